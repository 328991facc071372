package dev.envelope.cli;

import dev.envelope.AlgorithmSuite;
import dev.envelope.AuthenticationFailedException;
import dev.envelope.ContextMismatchException;
import dev.envelope.DecryptingStream;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.local.AuditLog;
import dev.envelope.local.AuditVerification;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.KeyMetadata;
import dev.envelope.local.KeyPolicy;
import dev.envelope.local.KeyPolicyViolationException;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.LocalKeyring;
import dev.envelope.local.PassphraseKdfParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code envelope demo} does, step by step, on the embedded default (a local key store): no
 * cloud, no HSM. Every line it prints is computed from what just happened, and each step checks
 * its own outcome: if one does not come out as it must (a tampered message that decrypts, say),
 * the demo stops with a failure instead of printing the next line.
 *
 * <p>The key store is sealed under a fixed, published passphrase: it shows how a store works and
 * protects nothing. Files stay in the directory given to {@link #run}; {@link DemoCommand} deletes
 * them unless asked to keep them.
 */
final class Demo {
  /** The demo store's passphrase. Published, so it protects nothing: for the demo only. */
  static final String PASSPHRASE = "envelope-demo-passphrase (not a secret)";
  static final String KEY_ALIAS = "demo";
  static final int STEPS = 10;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "purpose", "demo");
  private static final EncryptionContext WRONG_CONTEXT = EncryptionContext.of("tenant", "globex", "purpose", "demo");
  private static final EncryptionContext NO_TENANT = EncryptionContext.of("purpose", "demo");

  private final Path directory;
  private final PrintWriter out;
  private int step;

  /**
   * What the demo found, for its test to check against the files left in {@link #directory}.
   *
   * @param lines the lines printed, in order
   * @param auditSummary each audit record, e.g. {@code generate v1 denied}
   */
  record Outcome(Path directory, Path keyStore, String keyId, Path sample, Path message, Path tampered,
      long sampleBytes, long messageBytes, AlgorithmSuite suite, List<String> mismatchedKeys, long flippedOffset,
      String policyRule, int primaryAfterRotation, int oldMessageVersion, long auditRecords, List<String> auditSummary,
      List<String> lines) {}

  private final List<String> lines = new ArrayList<>();

  private Demo(Path directory, PrintWriter out) {
    this.directory = directory;
    this.out = out;
  }

  /**
   * Runs every step in {@code directory} (created if absent; must not hold a key store yet), printing
   * one line per step on {@code out}.
   *
   * @throws CliFailure if a step does not come out as it must
   */
  static Outcome run(Path directory, PrintWriter out) {
    return new Demo(directory, out).run();
  }

  private Outcome run() {
    Path storeDir = directory.resolve("keystore");
    Path sample = directory.resolve("sample.txt");
    Path message = directory.resolve("sample.txt.env");
    try {
      Files.createDirectories(directory);
      Files.write(sample, sampleText());
    } catch (IOException e) {
      throw Failures.writing("the demo directory '" + directory + "'", e);
    }
    byte[] original = readAll(sample);

    // 1. A key store sealed under a passphrase, and a key whose policy requires a tenant.
    PassphraseKdfParameters kdf = PassphraseKdfParameters.defaults();
    char[] passphrase = PASSPHRASE.toCharArray();
    KekSource kek = KekSource.passphrase(passphrase, kdf);
    Arrays.fill(passphrase, '\0');
    LocalKeyStore store;
    try {
      store = LocalKeyStore.builder(storeDir).kek(kek).callerLabel("demo").create();
    } finally {
      kek.destroy();
    }
    String keyId;
    String policyRule;
    int primary;
    int oldVersion;
    long[] flipped = new long[1];
    List<String> mismatched;
    AlgorithmSuite suite;
    try (store) {
      KeyMetadata key = store.createKey(CreateKeyRequest.builder()
          .alias(KEY_ALIAS)
          .description("envelope demo key")
          .policy(KeyPolicy.defaultPolicy().toBuilder().requireContextKey("tenant").build())
          .build());
      keyId = key.keyId();
      line("created key '" + key.alias().orElseThrow() + "' (AES-256, version " + key.primaryVersion()
          + "; its policy requires " + String.join(", ", key.policy().requiredContextKeys()) + " in the context)"
          + " in a new key store at " + storeDir + ", sealed under a passphrase with Argon2id ("
          + kdf.memoryKib() / 1024 + " MiB, " + kdf.iterations() + " passes; the demo's passphrase is fixed and public)");

      // 2. Encrypt the sample with a context.
      Envelope envelope = Envelope.builder().keyring(store.keyring(KEY_ALIAS)).build();
      encrypt(envelope, sample, message, CONTEXT);
      byte[] messageBytes = readAll(message);
      UnauthenticatedHeader header = Envelope.inspectUnauthenticated(messageBytes);
      suite = header.algorithmSuite();
      line("encrypted " + sample.getFileName() + " (" + bytes(original.length) + ") -> " + message.getFileName()
          + " (" + bytes(messageBytes.length) + "), suite " + suite.idHex() + ", context " + pairs(CONTEXT));

      // 3. What the header says, read without a key.
      line("header (unauthenticated): suite " + suite.idHex() + " " + traits(suite) + "; context "
          + String.join(", ", userKeys(header.storedContext()))
          + (suite.isSigned() ? " (+ " + EncryptionContext.RESERVED_PREFIX + "public-key, the signature's key)" : "")
          + "; decryptable by " + header.encryptedDataKeys().stream().map(edk -> who(store, edk))
              .collect(Collectors.joining(", ")));

      // 4. Decrypt with the expected context.
      Path decrypted = directory.resolve("sample.decrypted.txt");
      decrypt(envelope, message, decrypted, CONTEXT);
      require(Arrays.equals(original, readAll(decrypted)), "step 4: the decrypted file differs from the original");
      line("decrypted with the expected context: " + bytes(readAll(decrypted).length) + ", identical to the original");

      // 5. A wrong context is rejected, and nothing is written.
      Path wrongOut = directory.resolve("wrong-context.txt");
      ContextMismatchException mismatch = expectFailure(ContextMismatchException.class,
          () -> decrypt(envelope, message, wrongOut, WRONG_CONTEXT), "step 5: a wrong context decrypted");
      requireAbsent(wrongOut, 5);
      mismatched = mismatch.keys();
      line("wrong context (" + pairs(differing(WRONG_CONTEXT, CONTEXT)) + "): rejected, context mismatch on "
          + mismatched + ", no output file");

      // 6. One flipped byte in the body is rejected, and nothing is written.
      Path tampered = directory.resolve("sample.tampered.env");
      flipped[0] = header.headerLength() + (messageBytes.length - header.headerLength()) / 2L;
      byte[] altered = messageBytes.clone();
      altered[(int) flipped[0]] ^= 0x01;
      write(tampered, altered);
      Path tamperedOut = directory.resolve("tampered.txt");
      AuthenticationFailedException failed = expectFailure(AuthenticationFailedException.class,
          () -> decrypt(envelope, tampered, tamperedOut, CONTEXT), "step 6: a tampered message decrypted");
      require(!(failed instanceof ContextMismatchException), "step 6: a flipped byte was reported as a context mismatch");
      requireAbsent(tamperedOut, 6);
      line("one byte flipped at offset " + number(flipped[0]) + " (of " + number(messageBytes.length)
          + "): rejected, authentication failed, no output file");

      // 7. The key's policy refuses a context without a tenant, and nothing is written.
      Path noTenant = directory.resolve("no-tenant.env");
      KeyPolicyViolationException denied = expectFailure(KeyPolicyViolationException.class,
          () -> encrypt(envelope, sample, noTenant, NO_TENANT), "step 7: the key's policy allowed a context without tenant");
      requireAbsent(noTenant, 7);
      policyRule = denied.rule();
      line("encrypting with context " + pairs(NO_TENANT) + ": refused by the key's policy (" + policyRule
          + "), no output file");

      // 8. Rotate.
      KeyMetadata rotated = store.rotateKey(KEY_ALIAS);
      primary = rotated.primaryVersion();
      require(primary == key.primaryVersion() + 1, "step 8: the rotation did not add a primary version");
      line("rotated '" + KEY_ALIAS + "': version " + primary + " is primary (new data keys are wrapped under it),"
          + " " + rotated.versions().size() + " versions kept");

      // 9. The old message still decrypts.
      oldVersion = header.encryptedDataKeys().stream().map(edk -> localVersion(store, edk)).flatMap(Optional::stream)
          .findFirst().orElseThrow(() -> new CliFailure(ExitCode.INTERNAL, "step 9: the message names no key version"));
      require(oldVersion < primary, "step 9: the old message is not under an older version");
      Path afterRotation = directory.resolve("sample.after-rotation.txt");
      decrypt(Envelope.builder().keyring(store.keyring(KEY_ALIAS)).build(), message, afterRotation, CONTEXT);
      require(Arrays.equals(original, readAll(afterRotation)), "step 9: the old message decrypted to something else");
      line("the old message (wrapped under v" + oldVersion + ") still decrypts after the rotation: identical");
    }

    // 10. The audit trail, its hash chain verified (the store is closed: everything is on disk).
    AuditVerification verification = AuditLog.verifyStore(storeDir);
    require(verification.isValid(), "step 10: the audit log does not verify: " + verification.problem());
    List<String> summary = AuditTrail.read(storeDir, verification, true).stream().map(AuditTrail.Entry::summary)
        .collect(Collectors.toList());
    require(summary.size() == verification.records(), "step 10: the audit log has fewer records than verified");
    line("audit trail: " + verification.records() + " records, hash chain verified (" + String.join(", ", summary) + ")");

    return new Outcome(directory, storeDir, keyId, sample, message, directory.resolve("sample.tampered.env"),
        original.length, readAll(message).length, suite, mismatched, flipped[0], policyRule, primary, oldVersion,
        verification.records(), summary, List.copyOf(lines));
  }

  private void line(String text) {
    step++;
    String line = "[" + step + "/" + STEPS + "] " + text;
    lines.add(line);
    out.println(line);
    out.flush();
  }

  // ------------------------------------------------------------------ files, through the CLI's own plumbing

  private static void encrypt(Envelope envelope, Path in, Path outFile, EncryptionContext context) {
    try (Source source = Source.open(in.toString(), InputStream.nullInputStream());
        Sink sink = Sink.open(outFile.toString(), OutputStream.nullOutputStream())) {
      OutputStream encrypting = envelope.encryptingStream(sink.stream(), context);
      Transfer.copy(source.stream(), source.description(), encrypting, sink.description());
      Transfer.finish(encrypting, sink.description());
      sink.commit();
    }
  }

  private static void decrypt(Envelope envelope, Path in, Path outFile, EncryptionContext expected) {
    try (Source source = Source.open(in.toString(), InputStream.nullInputStream());
        Sink sink = Sink.open(outFile.toString(), OutputStream.nullOutputStream())) {
      DecryptingStream plaintext = envelope.decryptingStream(source.stream(), expected);
      Transfer.copy(plaintext, source.description(), sink.stream(), sink.description());
      require(plaintext.isComplete(), "the message stream ended before its verified end");
      sink.commit();
    }
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw Failures.reading(ExitCode.INPUT, "'" + file + "'", e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw Failures.writing("'" + file + "'", e);
    }
  }

  // ------------------------------------------------------------------ checks

  private static <T extends Throwable> T expectFailure(Class<T> expected, Runnable action, String otherwise) {
    try {
      action.run();
    } catch (Throwable t) {
      if (expected.isInstance(t)) {
        return expected.cast(t);
      }
      throw new CliFailure(ExitCode.INTERNAL, otherwise.replaceFirst(":.*", "") + ": expected "
          + expected.getSimpleName() + ", got " + t.getClass().getSimpleName() + ": " + t.getMessage(), t);
    }
    throw new CliFailure(ExitCode.INTERNAL, otherwise + "; please report it");
  }

  private static void require(boolean condition, String failure) {
    if (!condition) {
      throw new CliFailure(ExitCode.INTERNAL, "demo " + failure + "; please report it");
    }
  }

  private static void requireAbsent(Path file, int step) {
    require(!Files.exists(file), "step " + step + ": a rejected operation left " + file.getFileName());
  }

  // ------------------------------------------------------------------ wording

  private static byte[] sampleText() {
    StringBuilder b = new StringBuilder("Quarterly order export for acme (sample data)\n");
    int order = 1001;
    while (b.length() < 1200) {
      b.append(String.format(Locale.ROOT, "order %d: %d widgets, %d gadgets, ship to warehouse %c%n",
          order, order % 7 + 1, order % 5 + 2, (char) ('A' + order % 4)));
      order++;
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String bytes(long n) {
    return number(n) + " B";
  }

  private static String pairs(EncryptionContext context) {
    return context.asMap().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** The pairs of {@code context} whose value differs from {@code reference}. */
  private static EncryptionContext differing(EncryptionContext context, EncryptionContext reference) {
    EncryptionContext.Builder b = EncryptionContext.builder();
    context.asMap().forEach((k, v) -> {
      if (!v.equals(reference.asMap().get(k))) {
        b.put(k, v);
      }
    });
    return b.build();
  }

  private static String traits(AlgorithmSuite suite) {
    return (suite.isCommitting() ? "committing" : "non-committing") + (suite.isSigned() ? "+signed" : ", unsigned");
  }

  private static List<String> userKeys(EncryptionContext stored) {
    return stored.asMap().keySet().stream().filter(k -> !k.startsWith(EncryptionContext.RESERVED_PREFIX))
        .collect(Collectors.toList());
  }

  /** Who an encrypted data key is for, e.g. {@code local key 'demo' v1}. */
  private static String who(LocalKeyStore store, EncryptedDataKey edk) {
    Optional<LocalKeyring.WrappingKey> key = LocalKeyring.wrappingKey(edk, store.keyNamespace());
    if (key.isEmpty()) {
      return "'" + edk.providerId() + "' " + HeaderJson.providerInfo(edk.providerId(), edk.providerInfo()).getOrDefault("keyName", "?");
    }
    String keyId = key.get().keyId();
    String alias = store.describeKey(keyId).alias().map(a -> "'" + a + "'").orElse(keyId);
    return "local key " + alias + " v" + key.get().version();
  }

  private static Optional<Integer> localVersion(LocalKeyStore store, EncryptedDataKey edk) {
    return LocalKeyring.wrappingKey(edk, store.keyNamespace()).map(LocalKeyring.WrappingKey::version);
  }
}
