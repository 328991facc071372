package dev.envelope.cache;

import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What identifies a cache entry within this process: the request fields that must match for
 * cached materials to be reused, compared field by field, with the hash code computed once.
 *
 * <p>spec: keyrings.md §7.3 (entry identifiers) describes a SHA-384 digest over the same fields,
 * a form that can leave the process (shared caches). These keys never leave the process (they are
 * not in events, logs or {@link #toString()}), so no digest is needed: equal keys are exactly equal
 * requests, not requests whose digests collide, and a lookup costs one pass over the fields.
 *
 * <ul>
 *   <li>encrypt: partition id, the suite the request resolves to (never "no suite", so a key always
 *       names the suite of its materials), commitment policy, required-context keys (a set) and
 *       the encryption context;
 *   <li>decrypt: partition id, suite, commitment policy, the message's encrypted data keys by
 *       content and <em>in order</em> (the keyring opens the first it can, so another order may
 *       give another data key), the stored context and the caller's (reproduced) context.
 * </ul>
 *
 * No field is secret: suites, policies, contexts (authenticated, not secret) and wrapped keys.
 * A decrypt key holds untrusted input read from a message header; its size is bounded by the
 * header's limits (encrypted data key count and field lengths, context length), and hashing and
 * comparing it are each one linear pass over those bytes. Immutable; the lists, sets and
 * contexts it holds are the requests' own immutable values.
 *
 * <p>The hash is not keyed, so whoever can put entries in the cache (a message whose header adds
 * chosen encrypted data keys next to one the keyring opens) can choose keys with equal hashes.
 * {@link #compareTo} is a total order consistent with {@code equals}, so the cache's hash map
 * keeps a bin of many equal hashes as a balanced tree: a lookup then costs O(log capacity)
 * comparisons, not a walk through every colliding entry. It runs only on such bins.
 */
final class EntryKey implements Comparable<EntryKey> {
  private static final int ENCRYPT = 1;
  private static final int DECRYPT = 2;

  private final int kind;
  private final String partition;
  private final AlgorithmSuite suite;
  private final CommitmentPolicy policy;
  /** Encrypt only; empty for decrypt. */
  private final Set<String> requiredContextKeys;
  /** Encrypt: the encryption context; decrypt: the context stored in the message. */
  private final EncryptionContext context;
  /** Decrypt only; null for encrypt. */
  private final EncryptionContext reproducedContext;
  /** Decrypt only; empty for encrypt. */
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final int hash;

  private EntryKey(
      int kind,
      String partition,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Set<String> requiredContextKeys,
      EncryptionContext context,
      EncryptionContext reproducedContext,
      List<EncryptedDataKey> encryptedDataKeys) {
    this.kind = kind;
    this.partition = Objects.requireNonNull(partition, "partition");
    this.suite = Objects.requireNonNull(suite, "suite");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.requiredContextKeys = requiredContextKeys;
    this.context = Objects.requireNonNull(context, "context");
    this.reproducedContext = reproducedContext;
    this.encryptedDataKeys = encryptedDataKeys;
    this.hash = computeHash();
  }

  /**
   * @param suite the suite the request resolves to (requested, or the policy's default)
   * @param requiredContextKeys an immutable set (the request's own)
   */
  static EntryKey encrypt(
      String partition,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Set<String> requiredContextKeys,
      EncryptionContext context) {
    return new EntryKey(
        ENCRYPT,
        partition,
        suite,
        policy,
        Objects.requireNonNull(requiredContextKeys, "requiredContextKeys"),
        context,
        null,
        List.of());
  }

  /** @param encryptedDataKeys an immutable list (the request's own), in the message's order */
  static EntryKey decrypt(
      String partition,
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    return new EntryKey(
        DECRYPT,
        partition,
        suite,
        policy,
        Set.of(),
        storedContext,
        Objects.requireNonNull(reproducedContext, "reproducedContext"),
        Objects.requireNonNull(encryptedDataKeys, "encryptedDataKeys"));
  }

  /**
   * Whether this is the encrypt key of these fields (its own partition aside): lets a manager
   * reuse the key of its last lookup instead of allocating one per request.
   */
  boolean isEncryptFor(
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      Set<String> requiredContextKeys,
      EncryptionContext context) {
    return kind == ENCRYPT
        && this.suite == suite
        && this.policy == policy
        && this.context.equals(context)
        && this.requiredContextKeys.equals(requiredContextKeys);
  }

  /**
   * Whether this is the decrypt key of these fields (its own partition aside), compared as {@link
   * #equals} would but without hashing them first: lets a manager reuse the key of its last
   * lookup, as repeated decryption of one message (or of messages sharing a data key) does.
   */
  boolean isDecryptFor(
      AlgorithmSuite suite,
      CommitmentPolicy policy,
      List<EncryptedDataKey> encryptedDataKeys,
      EncryptionContext storedContext,
      EncryptionContext reproducedContext) {
    return kind == DECRYPT
        && this.suite == suite
        && this.policy == policy
        && sameKeys(this.encryptedDataKeys, encryptedDataKeys)
        && this.context.equals(storedContext)
        && this.reproducedContext.equals(reproducedContext);
  }

  AlgorithmSuite suite() {
    return suite;
  }

  CommitmentPolicy policy() {
    return policy;
  }

  private int computeHash() {
    int h = kind;
    h = 31 * h + partition.hashCode();
    h = 31 * h + suite.id();
    h = 31 * h + policy.ordinal();
    h = 31 * h + requiredContextKeys.hashCode();
    h = 31 * h + context.hashCode();
    h = 31 * h + (reproducedContext == null ? 0 : reproducedContext.hashCode());
    // Order-sensitive, as equality is; an indexed loop, so no iterator per lookup.
    for (int i = 0, n = encryptedDataKeys.size(); i < n; i++) {
      h = 31 * h + encryptedDataKeys.get(i).hashCode();
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EntryKey)) {
      return false;
    }
    EntryKey other = (EntryKey) o;
    return hash == other.hash
        && kind == other.kind
        && suite == other.suite
        && policy == other.policy
        && partition.equals(other.partition)
        && context.equals(other.context)
        && Objects.equals(reproducedContext, other.reproducedContext)
        && requiredContextKeys.equals(other.requiredContextKeys)
        && sameKeys(encryptedDataKeys, other.encryptedDataKeys);
  }

  /** Same encrypted data keys by content, in the same order; an indexed loop, no iterator. */
  private static boolean sameKeys(List<EncryptedDataKey> a, List<EncryptedDataKey> b) {
    if (a == b) {
      return true;
    }
    int n = a.size();
    if (n != b.size()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /**
   * A total order consistent with {@code equals}; see the class Javadoc for why. Not on the
   * lookup path unless hashes collide, so it may copy.
   */
  @Override
  public int compareTo(EntryKey other) {
    if (this == other) {
      return 0;
    }
    int c = Integer.compare(kind, other.kind);
    if (c == 0) {
      c = Integer.compare(suite.id(), other.suite.id());
    }
    if (c == 0) {
      c = Integer.compare(policy.ordinal(), other.policy.ordinal());
    }
    if (c == 0) {
      c = partition.compareTo(other.partition);
    }
    if (c == 0) {
      c = compareContexts(context, other.context);
    }
    if (c == 0 && reproducedContext != null) {
      c = compareContexts(reproducedContext, other.reproducedContext);
    }
    if (c == 0) {
      c = compareSets(requiredContextKeys, other.requiredContextKeys);
    }
    return c != 0 ? c : compareKeys(encryptedDataKeys, other.encryptedDataKeys);
  }

  private static int compareContexts(EncryptionContext a, EncryptionContext b) {
    int c = Integer.compare(a.size(), b.size());
    Iterator<Map.Entry<String, String>> ia = a.asMap().entrySet().iterator();
    Iterator<Map.Entry<String, String>> ib = b.asMap().entrySet().iterator();
    while (c == 0 && ia.hasNext()) {
      Map.Entry<String, String> ea = ia.next();
      Map.Entry<String, String> eb = ib.next();
      c = ea.getKey().compareTo(eb.getKey());
      if (c == 0) {
        c = ea.getValue().compareTo(eb.getValue());
      }
    }
    return c;
  }

  private static int compareSets(Set<String> a, Set<String> b) {
    int c = Integer.compare(a.size(), b.size());
    if (c != 0 || a.isEmpty()) {
      return c;
    }
    String[] sa = a.toArray(new String[0]);
    String[] sb = b.toArray(new String[0]);
    Arrays.sort(sa);
    Arrays.sort(sb);
    return Arrays.compare(sa, sb);
  }

  private static int compareKeys(List<EncryptedDataKey> a, List<EncryptedDataKey> b) {
    int c = Integer.compare(a.size(), b.size());
    for (int i = 0; c == 0 && i < a.size(); i++) {
      EncryptedDataKey ea = a.get(i);
      EncryptedDataKey eb = b.get(i);
      c = ea.providerId().compareTo(eb.providerId());
      if (c == 0) {
        c = Arrays.compareUnsigned(ea.providerInfo(), eb.providerInfo());
      }
      if (c == 0) {
        c = Arrays.compareUnsigned(ea.ciphertext(), eb.ciphertext());
      }
    }
    return c;
  }

  /** The kind and suite only: the other fields are request data, kept out of logs. */
  @Override
  public String toString() {
    return "EntryKey[" + (kind == ENCRYPT ? "encrypt" : "decrypt") + ", suite " + suite.idHex() + "]";
  }
}
