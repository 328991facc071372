package dev.envelope.local.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests: the installed server binaries ({@code pg_config --bindir},
 * else the newest {@code /usr/lib/postgresql/N/bin}) run {@code initdb} into a temporary directory
 * and serve it on a free loopback port, with its unix socket in that directory, started once per
 * test JVM and stopped (its directory deleted) when the JVM exits. PostgreSQL refuses to run as
 * root, so as root the binaries run as the {@code postgres} system user ({@code runuser}).
 *
 * <p>The superuser {@link #ADMIN} authenticates with a password over TCP (scram-sha-256). Each
 * test gets a fresh database ({@link #newDatabase}) and roles made with the least-privilege SQL of
 * the module README.
 *
 * <p>When PostgreSQL is missing it fails, never skips: with an install hint, and saying so plainly
 * when the {@code CI} variable is set.
 */
public final class PostgresServer {
  public static final String ADMIN = "envelope_admin";
  public static final String ADMIN_PASSWORD = "admin-test-password";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer instance;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final boolean asPostgresUser;
  private final int port;

  private PostgresServer(Path bin, Path dir, boolean asPostgresUser, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized PostgresServer get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException e) {
        throw new IllegalStateException("could not start the test PostgreSQL server: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  private static PostgresServer start() throws IOException {
    Path bin = findBinaries();
    boolean root = "0".equals(output(List.of("id", "-u")).trim());
    Path dir = Files.createTempDirectory("envelope-pg-");
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), "give the scratch directory to the postgres user"
          + " (PostgreSQL refuses to run as root; create the user: useradd --system postgres)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PostgresServer server = new PostgresServer(bin, dir, root, port);
    Path pw = dir.resolve("pw");
    Files.writeString(pw, ADMIN_PASSWORD + "\n");
    if (root) {
      run(List.of("chown", "postgres:postgres", pw.toString()), "chown the password file");
    }
    server.pg(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", ADMIN, "-E", "UTF8",
        "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + pw, "--no-sync", "--no-instructions"), "initdb");
    Files.delete(pw);
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "stop test PostgreSQL"));
    server.startServer();
    return server;
  }

  private static Path findBinaries() {
    List<Path> candidates = new ArrayList<>();
    try {
      candidates.add(Path.of(output(List.of("pg_config", "--bindir")).trim()));
    } catch (IOException | RuntimeException notInstalled) {
      // pg_config comes with libpq-dev; the server package alone has the versioned directories.
    }
    try (java.util.stream.Stream<Path> dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
      dirs.map(d -> d.resolve("bin"))
          .sorted(Comparator.comparingInt(PostgresServer::majorVersion).reversed())
          .forEach(candidates::add);
    } catch (IOException | RuntimeException none) {
      // Not the Debian layout.
    }
    for (Path p : candidates) {
      if (Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl"))) {
        return p;
      }
    }
    String hint = "install the server: apt-get install postgresql (Debian/Ubuntu), dnf install postgresql-server"
        + " (Fedora); scripts/test installs it when missing";
    String missing = "no initdb and pg_ctl in " + candidates;
    if (System.getenv("CI") != null) {
      throw new IllegalStateException("CI: the PostgreSQL key store tests need a real PostgreSQL and must run here, but "
          + missing + "; " + hint);
    }
    throw new IllegalStateException("the PostgreSQL key store tests need a real PostgreSQL, but " + missing + "; " + hint);
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Starts the server (again, after {@link #stop}) on the same port and data directory. */
  public void startServer() throws IOException {
    pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
        "-w", "-t", "120", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
            + " -c fsync=off -c max_connections=200", "start"), "pg_ctl start");
  }

  /** Stops the server (fast shutdown: open connections are cut). */
  public void stop() throws IOException {
    pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "120", "stop"),
        "pg_ctl stop");
  }

  private void destroy() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), "stop");
      }
    } catch (IOException | RuntimeException ignored) {
      // Best effort at exit.
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // Best effort at exit.
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A superuser connection to {@code database}. */
  public Connection admin(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), ADMIN, ADMIN_PASSWORD);
  }

  /** Runs SQL statements as the superuser in {@code database}. */
  public void sql(String database, String... statements) {
    try (Connection c = admin(database); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
    }
  }

  /**
   * A fresh database with a login role {@code <db>_app} (password {@code app-password}) that
   * owns schema {@code envelope} and nothing else: the README's "owner" setup.
   */
  public String newDatabase() {
    String db = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    sql("postgres", "CREATE DATABASE " + db);
    sql(db, "CREATE ROLE " + db + "_app LOGIN PASSWORD 'app-password'",
        "REVOKE ALL ON DATABASE " + db + " FROM PUBLIC",
        "GRANT CONNECT ON DATABASE " + db + " TO " + db + "_app",
        "CREATE SCHEMA envelope AUTHORIZATION " + db + "_app");
    return db;
  }

  /** A small pool for the app role of {@code db}. */
  public HikariDataSource pool(String db) {
    return pool(db, db + "_app", "app-password");
  }

  public HikariDataSource pool(String db, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl(db));
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(3000);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  // ------------------------------------------------------------------------- processes

  private void pg(List<String> command, String what) throws IOException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(Arrays.asList("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full, what, dir);
  }

  private static void run(List<String> command, String what) throws IOException {
    run(command, what, null);
  }

  private static void run(List<String> command, String what, Path workDir) throws IOException {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      b.directory(workDir.toFile()); // the postgres user may not be able to enter the build's directory
    }
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(what + " did not finish in 180 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(what + " was interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(what + " failed (exit " + p.exitValue() + "): " + out.trim());
    }
  }

  private static String output(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p.exitValue() != 0) {
      throw new IOException(command + " failed: " + out.trim());
    }
    return out;
  }
}
