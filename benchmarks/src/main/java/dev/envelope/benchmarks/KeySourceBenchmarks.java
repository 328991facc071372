package dev.envelope.benchmarks;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.pkcs11.Pkcs11Config;
import dev.envelope.pkcs11.Pkcs11Keyring;
import dev.envelope.pkcs11.Pkcs11Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wrapping and unwrapping one data key through each local key source, at the keyring level (no
 * message around it): the raw AES keyring (the floor), the local key store's keyring (key looked
 * up by id, policy and audit on every use), and the PKCS#11 keyring on a real SoftHSM2 token
 * (AES-GCM inside the token). {@code wrap} generates and wraps a fresh 32-byte data key; {@code
 * unwrap} recovers one.
 *
 * <p>SoftHSM reads its configuration from {@code SOFTHSM2_CONF} when the library loads, so the JVM
 * must start with that variable pointing to a scratch file this benchmark may overwrite
 * ({@code scripts/bench} and the benchmarks module's surefire configuration set it); the benchmark
 * writes the file and creates a fresh token with {@code softhsm2-util}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
public class KeySourceBenchmarks {
  @Param({"raw-aes", "key-store", "softhsm"})
  public String source;

  private static final String PIN = "benchmark-pin-1234";
  private Keyring keyring;
  private LocalKeyStore store;
  private Path scratch;
  private EncryptionMaterials empty;
  private DecryptionMaterials toDecrypt;
  private List<EncryptedDataKey> wrapped;

  @Setup
  public void setUp() throws Exception {
    switch (source) {
      case "raw-aes":
        keyring = Fixtures.rawAesKeyring();
        break;
      case "key-store":
        scratch = Files.createTempDirectory("envelope-bench-store");
        store =
            LocalKeyStore.builder(scratch)
                .kek(KekSource.passphrase("benchmark".toCharArray(), PassphraseKdfParameters.insecureForTests()))
                .create();
        String id = store.createKey(CreateKeyRequest.builder().alias("alias/benchmark").build()).keyId();
        keyring = store.keyring(id);
        break;
      case "softhsm":
        keyring = softHsm();
        break;
      default:
        throw new IllegalArgumentException(source);
    }
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY;
    empty = EncryptionMaterials.builder(suite, Fixtures.CONTEXT).build();
    EncryptionMaterials done = keyring.onEncrypt(empty);
    wrapped = done.encryptedDataKeys();
    done.dataKey().orElseThrow().close();
    toDecrypt = DecryptionMaterials.of(suite, Fixtures.CONTEXT, Set.of(), null);
  }

  private static Keyring softHsm;

  /**
   * The token is made once per JVM: SoftHSM reads its token directory when the library is first
   * initialized, so it cannot be recreated under a loaded library.
   */
  private static synchronized Keyring softHsm() throws IOException, InterruptedException {
    if (softHsm == null) {
      softHsm = softHsmKeyring();
    }
    return softHsm;
  }

  private static Keyring softHsmKeyring() throws IOException, InterruptedException {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null || conf.isBlank() || conf.startsWith("/etc")) {
      throw new IllegalStateException(
          "KeySourceBenchmarks needs SOFTHSM2_CONF pointing to a scratch file (scripts/bench sets it)");
    }
    Path confFile = Path.of(conf).toAbsolutePath();
    Path tokens = confFile.resolveSibling("tokens");
    deleteRecursively(tokens);
    Files.createDirectories(tokens);
    Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
        StandardCharsets.UTF_8);
    Process init =
        new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "benchmark", "--so-pin",
                "benchmark-so-1234", "--pin", PIN)
            .redirectErrorStream(true)
            .start();
    String output = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (init.waitFor() != 0) {
      throw new IllegalStateException("softhsm2-util --init-token failed: " + output);
    }
    Pkcs11Token token =
        Pkcs11Token.open(
            Pkcs11Config.builder()
                .library(Path.of(System.getenv().getOrDefault("SOFTHSM2_LIB", "/usr/lib/softhsm/libsofthsm2.so")))
                .tokenLabel("benchmark")
                .pin(PIN::toCharArray)
                .build());
    token.createAesKey("benchmark-aes");
    return Pkcs11Keyring.builder().token(token).keyNamespace("benchmark").keyLabel("benchmark-aes").build();
  }

  @TearDown
  public void tearDown() throws IOException {
    if (store != null) {
      store.close();
    }
    if (scratch != null) {
      deleteRecursively(scratch);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public int wrap() {
    EncryptionMaterials m = keyring.onEncrypt(empty);
    m.dataKey().orElseThrow().close();
    return m.encryptedDataKeys().size();
  }

  @Benchmark
  public int unwrap() {
    DecryptionMaterials m = keyring.onDecrypt(toDecrypt, wrapped);
    int n = m.dataKey().orElseThrow().length();
    m.dataKey().orElseThrow().close();
    return n;
  }
}
