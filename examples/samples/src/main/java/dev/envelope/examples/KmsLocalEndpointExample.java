package dev.envelope.examples;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.cache.CachingMaterialsManager;
import dev.envelope.kms.KmsClientSupplier;
import dev.envelope.kms.KmsKeyring;
import dev.envelope.local.KekSource;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.KmsOperation;
import dev.envelope.localkms.LocalKmsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * AWS KMS without an AWS account: starts the local KMS endpoint on a free port over a key store in
 * a temporary directory, creates a KMS key through the real AWS SDK client, and encrypts and
 * decrypts through Envelope's {@link KmsKeyring} behind a {@link CachingMaterialsManager}. The
 * endpoint counts the calls that reach it: with at most {@link #MESSAGES_PER_DATA_KEY} messages
 * per data key, {@link #MESSAGES} messages make {@code MESSAGES / MESSAGES_PER_DATA_KEY}
 * GenerateDataKey calls instead of one per message.
 *
 * <p>For real AWS KMS the same keyring code works unchanged: drop {@code endpointOverride} and
 * use your usual credentials and a key ARN of your account.
 *
 * <p>Run: {@code java -cp "examples/samples/target/classes:examples/samples/target/lib/*" dev.envelope.examples.KmsLocalEndpointExample}
 */
public final class KmsLocalEndpointExample {
  static final int MESSAGES = 1000;
  static final long MESSAGES_PER_DATA_KEY = 100;
  static final Duration MAX_AGE = Duration.ofMinutes(5);

  private KmsLocalEndpointExample() {}

  /** What the run counted, as the endpoint saw it. */
  public record Result(String keyArn, int messages, long generateDataKeyCalls, long decryptCalls,
      List<String> decrypted) {}

  public static void main(String[] args) throws IOException {
    Path directory = Files.createTempDirectory("envelope-kms-example-");
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    char[] passphrase = Base64.getEncoder().encodeToString(random).toCharArray(); // this run only
    try {
      run(directory.resolve("kms"), passphrase, PassphraseKdfParameters.defaults(), System.out);
    } finally {
      java.util.Arrays.fill(passphrase, '\0');
      deleteRecursively(directory);
    }
  }

  /**
   * Runs the example with a new key store in {@code storeDirectory} sealed under {@code
   * passphrase}, printing to {@code out}.
   *
   * @param kdf the Argon2id cost of deriving the store's key (use the defaults)
   */
  public static Result run(Path storeDirectory, char[] passphrase, PassphraseKdfParameters kdf, PrintStream out)
      throws IOException {
    KekSource kek = KekSource.passphrase(passphrase, kdf); // copies the passphrase
    Map<String, KmsClient> clients = new ConcurrentHashMap<>();
    try (LocalKmsServer endpoint = LocalKmsServer.builder()
        .keyStoreDirectory(storeDirectory)
        .kek(kek)
        .port(0) // a free port
        .start()) {
      out.println("local KMS endpoint on " + endpoint.endpoint() + ", keys in " + storeDirectory);
      KmsCredentials credentials = endpoint.credentials().get(0); // generated for this run

      // One SDK client per region, pointed at the local endpoint (drop endpointOverride for AWS).
      KmsClientSupplier supplier = KmsClientSupplier.caching(region -> clients.computeIfAbsent(region,
          r -> KmsClient.builder()
              .endpointOverride(endpoint.endpoint())
              .region(Region.of(r))
              .credentialsProvider(StaticCredentialsProvider.create(
                  AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey())))
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .build()));
      String keyArn = supplier.clientFor("us-east-1")
          .createKey(r -> r.description("orders (KmsLocalEndpointExample)"))
          .keyMetadata().arn();
      out.println("created KMS key " + keyArn);

      // The KMS keyring behind a cache: a data key serves up to MESSAGES_PER_DATA_KEY messages.
      KmsKeyring keyring = KmsKeyring.builder().generatorKey(keyArn).clientSupplier(supplier).build();
      CachingMaterialsManager cache = CachingMaterialsManager.builder()
          .keyring(keyring)
          .maxAge(MAX_AGE)
          .messageUseLimit(MESSAGES_PER_DATA_KEY)
          .build();
      // 0x0478: committing, unsigned; many small messages between trusting parties need no signature.
      Envelope envelope = Envelope.builder()
          .materialsManager(cache)
          .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
          .build();
      EncryptionContext context = EncryptionContext.of("tenant", "acme", "purpose", "order-export");

      List<byte[]> messages = new ArrayList<>(MESSAGES);
      for (int i = 0; i < MESSAGES; i++) {
        messages.add(envelope.encrypt(order(i), context));
      }
      long generated = endpoint.callCount(KmsOperation.GENERATE_DATA_KEY);
      out.println(MESSAGES + " messages encrypted with at most " + MESSAGES_PER_DATA_KEY + " per data key: "
          + generated + " GenerateDataKey calls");

      List<String> decrypted = new ArrayList<>(MESSAGES);
      for (byte[] message : messages) {
        decrypted.add(new String(envelope.decrypt(message, context).plaintext(), StandardCharsets.UTF_8));
      }
      long decrypts = endpoint.callCount(KmsOperation.DECRYPT);
      out.println("decrypted them all: " + decrypts + " Decrypt calls (messages sharing a data key unwrap it once)");
      return new Result(keyArn, MESSAGES, generated, decrypts, decrypted);
    } finally {
      clients.values().forEach(KmsClient::close);
      kek.destroy();
    }
  }

  private static byte[] order(int i) {
    return ("order " + i + ": 3 widgets").getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
