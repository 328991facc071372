package dev.envelope.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.envelope.EncryptionContext;
import dev.envelope.local.CreateKeyRequest;
import dev.envelope.local.DecryptResult;
import dev.envelope.local.GeneratedDataKey;
import dev.envelope.local.KekSource;
import dev.envelope.local.LocalKeyStore;
import dev.envelope.local.PassphraseKdfParameters;
import dev.envelope.local.postgresql.PostgresKeyStore;
import dev.envelope.local.postgresql.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Key-store throughput with 1, 4 and 16 concurrent clients (issue 14 item 6): the key store's own
 * wrap ({@code generateDataKey}: a fresh 32-byte data key sealed under the store's key) and unwrap
 * ({@code decrypt} of such a sealed key), each a full key-store operation (key lookup, state and
 * policy check, an audit record), on two homes:
 *
 * <ul>
 *   <li>{@code directory}: a store in a temporary directory (audit.log appended per use);
 *   <li>{@code postgresql}: the same store in PostgreSQL, on a throwaway local server started in
 *       {@code @Setup} by the keystore-postgresql test harness ({@code PostgresServer}: initdb in a
 *       temporary directory, fsync off), reached over loopback TCP through a pool of {@value
 *       #POOL} connections, so that 16 clients never wait for a connection (each use checks the
 *       key's row version and writes its audit record in the database).
 * </ul>
 *
 * The client count is the method's {@code @Threads}: {@code wrap1}, {@code wrap4}, {@code wrap16},
 * {@code unwrap1}, ... One store instance serves all the threads, as one process's store does;
 * ops/s is the total over the threads. A measurement, never an assertion; on a machine with fewer
 * cores than clients the 16-client rows measure contention as much as the store.
 *
 * <pre>
 * mvn -B -q -ntp -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(ls benchmarks/target/lib/*.jar | tr '\n' ':')" \
 *     org.openjdk.jmh.Main KeyStoreThroughputBenchmarks -p home=directory,postgresql
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Ddev.envelope.crypto.provider=jdk")
public class KeyStoreThroughputBenchmarks {
  /** Connections in the PostgreSQL pool: one per client at the most, and the store's listener. */
  static final int POOL = 17;

  private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "benchmark");

  @Param({"directory", "postgresql"})
  public String home;

  private Path scratch;
  private HikariDataSource pool;
  private LocalKeyStore store;
  private String keyId;
  private byte[] sealed;

  @Setup
  public void setUp() throws IOException {
    KekSource kek = KekSource.passphrase("benchmark".toCharArray(), PassphraseKdfParameters.insecureForTests());
    switch (home) {
      case "directory":
        scratch = Files.createTempDirectory("envelope-bench-keystore");
        store = LocalKeyStore.builder(scratch.resolve("store")).kek(kek).create();
        break;
      case "postgresql":
        PostgresServer server = PostgresServer.get();
        String db = server.newDatabase();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl(db));
        config.setUsername(db + "_app");
        config.setPassword("app-password");
        config.setMaximumPoolSize(POOL);
        config.setConnectionTimeout(10_000);
        pool = new HikariDataSource(config);
        store = PostgresKeyStore.builder(pool).kek(kek).create();
        break;
      default:
        throw new IllegalArgumentException("unknown home " + home + "; use directory or postgresql");
    }
    keyId = store.createKey(CreateKeyRequest.withAlias("throughput")).keyId();
    try (GeneratedDataKey key = store.generateDataKey(keyId, 32, CONTEXT)) {
      sealed = key.ciphertext();
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    if (store != null) {
      store.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (scratch != null) {
      try (Stream<Path> files = Files.walk(scratch)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.delete(p);
        }
      }
    }
  }

  private byte[] wrap() {
    try (GeneratedDataKey key = store.generateDataKey(keyId, 32, CONTEXT)) {
      return key.ciphertext();
    }
  }

  private int unwrap() {
    try (DecryptResult r = store.decrypt(sealed, CONTEXT)) {
      return r.keyVersion();
    }
  }

  @Benchmark
  @Threads(1)
  public byte[] wrap1() {
    return wrap();
  }

  @Benchmark
  @Threads(4)
  public byte[] wrap4() {
    return wrap();
  }

  @Benchmark
  @Threads(16)
  public byte[] wrap16() {
    return wrap();
  }

  @Benchmark
  @Threads(1)
  public int unwrap1() {
    return unwrap();
  }

  @Benchmark
  @Threads(4)
  public int unwrap4() {
    return unwrap();
  }

  @Benchmark
  @Threads(16)
  public int unwrap16() {
    return unwrap();
  }
}
