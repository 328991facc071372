package dev.envelope.local.postgresql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A key store address {@code postgresql://HOST[:PORT]/DATABASE} and the connection settings libpq
 * would take from the environment: {@code PGUSER} (default: the OS user), {@code PGPASSWORD}, else
 * the matching line of {@code PGPASSFILE} (default {@code ~/.pgpass}, which must be owner-only),
 * and TLS from {@code PGSSLMODE}, {@code PGSSLROOTCERT}, {@code PGSSLCERT}, {@code PGSSLKEY}.
 * Credentials never come from the address: one with a user, password or parameters is refused.
 */
final class LibpqSettings {
  static final int DEFAULT_PORT = 5432;
  private static final Map<String, String> TLS_VARIABLES = Map.of(
      "PGSSLMODE", "sslmode", "PGSSLROOTCERT", "sslrootcert", "PGSSLCERT", "sslcert", "PGSSLKEY", "sslkey");

  final String host;
  final int port;
  final String database;
  final String user;
  final String password; // null: none found (the server may not ask)
  final Map<String, String> properties; // driver properties (TLS)

  private LibpqSettings(String host, int port, String database, String user, String password,
      Map<String, String> properties) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.properties = properties;
  }

  /** The address without credentials, for messages. */
  String location() {
    return "postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }

  String jdbcUrl() {
    return "jdbc:" + location();
  }

  /**
   * Parses {@code address} and reads the settings from {@code env}.
   *
   * @throws IllegalArgumentException naming what is wrong with the address or the environment
   */
  static LibpqSettings resolve(String address, Map<String, String> env) {
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + redact(address) + "' is not a key store address; write"
          + " postgresql://HOST[:PORT]/DATABASE", e);
    }
    if (!"postgresql".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("'" + redact(address) + "' is not a PostgreSQL key store address; write"
          + " postgresql://HOST[:PORT]/DATABASE");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("give the key store address as postgresql://HOST[:PORT]/DATABASE only: user,"
          + " password and TLS come from PGUSER, PGPASSWORD or PGPASSFILE and PGSSLMODE, never from the address");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("the key store address " + redact(address) + " names no database; write"
          + " postgresql://HOST[:PORT]/DATABASE");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    String user = nonEmpty(env.get("PGUSER"));
    if (user == null) {
      user = System.getProperty("user.name");
    }
    String password = nonEmpty(env.get("PGPASSWORD"));
    if (password == null) {
      password = fromPassFile(passFile(env), host, port, database, user);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    TLS_VARIABLES.forEach((variable, property) -> {
      String value = nonEmpty(env.get(variable));
      if (value != null) {
        properties.put(property, value);
      }
    });
    String mode = properties.get("sslmode");
    if (mode != null && !List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
        .contains(mode.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("PGSSLMODE is '" + mode + "'; use disable, allow, prefer, require, verify-ca"
          + " or verify-full");
    }
    return new LibpqSettings(host, port, database, user, password, properties);
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String redact(String address) {
    int at = address.indexOf('@');
    return at < 0 ? address : "postgresql://…" + address.substring(at);
  }

  private static Path passFile(Map<String, String> env) {
    String file = nonEmpty(env.get("PGPASSFILE"));
    if (file != null) {
      return Path.of(file);
    }
    String home = nonEmpty(env.get("HOME"));
    return home == null ? null : Path.of(home, ".pgpass");
  }

  /** The password of the first matching line of a libpq password file, or null. */
  static String fromPassFile(Path file, String host, int port, String database, String user) {
    if (file == null || !Files.isRegularFile(file)) {
      return null;
    }
    try {
      Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : modes) {
        if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE) {
          throw new IllegalArgumentException("the password file " + file + " can be used by others than its owner"
              + " (libpq ignores such a file); chmod 600 it");
        }
      }
    } catch (UnsupportedOperationException notPosix) {
      // Not a POSIX file system: as libpq on Windows, no mode check.
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the password file " + file, e);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the password file " + file, e);
    }
    String[] wanted = {host, String.valueOf(port), database, user};
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line);
      if (fields.size() != 5) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < 4 && match; i++) {
        String f = fields.get(i);
        match = f.equals("*") || f.equals(wanted[i]) || (i == 0 && f.equals("localhost") && isLoopback(host));
      }
      if (match) {
        return fields.get(4);
      }
    }
    return null;
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equals("::1");
  }

  /** Splits a password file line at unescaped colons; {@code \:} and {@code \\} are escapes. */
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        current.append(line.charAt(++i));
      } else if (c == ':' && out.size() < 4) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  @Override
  public String toString() {
    return "LibpqSettings[" + location() + ", user=" + user + ", password=" + (password == null ? "none" : "set")
        + ", " + properties + "]";
  }
}
