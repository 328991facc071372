package dev.envelope.examples;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Envelope;
import dev.envelope.Keyring;
import dev.envelope.cache.CacheStats;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.keyring.RawAesKeyring;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encrypts many small messages with and without a data-key cache, counting the calls that reach
 * the keyring — in production a KMS or an HSM, where each call costs a network round trip, a
 * request quota or an HSM operation. The cache reuses one data key for at most {@link
 * #MESSAGES_PER_DATA_KEY} messages and {@link #MAX_AGE}, the bounds that limit what one leaked
 * data key exposes (SECURITY.md, "Data-key caching").
 *
 * <p>Run: {@code java -cp "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.CachingExample}
 */
public final class CachingExample {
  static final int MESSAGES = 100;
  static final long MESSAGES_PER_DATA_KEY = 50;
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  private CachingExample() {}

  /** What the run counted. */
  public record Counts(int encryptCallsWithout, int encryptCallsWith, int decryptCallsWith, CacheStats stats,
      List<String> decrypted) {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}, and returns the counts. */
  public static Counts run(PrintStream out) {
    byte[] keyBytes = new byte[32];
    new SecureRandom().nextBytes(keyBytes);
    CountingKeyring keyring = new CountingKeyring(RawAesKeyring.builder()
        .keyNamespace("examples").keyName("cached-key").wrappingKey(keyBytes).build());
    Arrays.fill(keyBytes, (byte) 0);
    EncryptionContext context = EncryptionContext.of("tenant", "acme", "purpose", "events");

    // Without a cache: every message asks the keyring for a fresh data key.
    Envelope plain = Envelope.builder().keyring(keyring).build();
    for (int i = 0; i < MESSAGES; i++) {
      plain.encrypt(event(i), context);
    }
    int without = keyring.encrypts.getAndSet(0);
    out.println(MESSAGES + " messages without a cache: " + without + " keyring calls");

    // With a cache: one data key serves up to MESSAGES_PER_DATA_KEY messages, younger than MAX_AGE.
    CachingMaterialsManager cache = CachingMaterialsManager.builder()
        .keyring(keyring)
        .maxAge(MAX_AGE)
        .messageUseLimit(MESSAGES_PER_DATA_KEY)
        .build();
    Envelope cached = Envelope.builder().materialsManager(cache).build();
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      messages.add(cached.encrypt(event(i), context));
    }
    int with = keyring.encrypts.get();
    CacheStats afterEncrypt = cache.stats();
    out.println(MESSAGES + " messages with a cache (at most " + MESSAGES_PER_DATA_KEY + " per data key): " + with
        + " keyring calls, " + afterEncrypt.hitCount() + " served from the cache");

    // Decrypting: messages that share encrypted data keys unwrap them once.
    List<String> decrypted = new ArrayList<>();
    for (byte[] m : messages) {
      decrypted.add(new String(cached.decrypt(m, context).plaintext(), StandardCharsets.UTF_8));
    }
    int decrypts = keyring.decrypts.get();
    out.println("decrypting them through the cache: " + decrypts + " keyring calls");

    // After an incident (a key disabled), drop every cached data key at once; they are zeroed.
    int dropped = cache.invalidateAll();
    out.println("invalidateAll() dropped " + dropped + " cached data keys");
    return new Counts(without, with, decrypts, cache.stats(), decrypted);
  }

  private static byte[] event(int i) {
    return ("event " + i + ": order shipped").getBytes(StandardCharsets.UTF_8);
  }

  /** Counts the calls that reach a keyring: what a cache saves. */
  static final class CountingKeyring implements Keyring {
    final Keyring delegate;
    final AtomicInteger encrypts = new AtomicInteger();
    final AtomicInteger decrypts = new AtomicInteger();

    CountingKeyring(Keyring delegate) {
      this.delegate = delegate;
    }

    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
      encrypts.incrementAndGet();
      return delegate.onEncrypt(materials);
    }

    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> keys) {
      decrypts.incrementAndGet();
      return delegate.onDecrypt(materials, keys);
    }
  }
}
