package dev.envelope.cli;

import static dev.envelope.cli.Cli.assertFailure;
import static dev.envelope.cli.Cli.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.local.postgresql.PostgresServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code keys audit --keystore postgresql://...}: the audit table, verified and printed as a log. */
class PostgresAuditCliTest {
  private final CliPostgresStore pg = new CliPostgresStore();
  private final PostgresServer server = pg.server;
  private final String db = pg.db;
  private final String address = pg.address;

  /** The database credentials only: the audit needs no passphrase. */
  private Map<String, String> dbOnly() {
    return pg.dbOnly();
  }

  private Map<String, String> env() {
    return pg.env();
  }

  @Test
  void keysAudit_postgresAddress_verifiesAndPrintsTheTrail_andAnAnchorChecksItLater() {
    assertSuccess(Cli.runWithEnv(env(), "keys", "create", "--keystore", address, "--alias", "orders"));
    assertSuccess(Cli.runWithEnv(env(), "keys", "disable", "--keystore", address, "--key", "orders"));

    Cli.Result audit = Cli.runWithEnv(dbOnly(), "keys", "audit", "--keystore", address);
    assertSuccess(audit);
    String out = audit.stdoutText();
    assertTrue(out.contains("CREATE") && out.contains("DISABLE"), out);
    Matcher anchor = Pattern.compile("hash chain verified: (\\d+) records; anchor (\\d+:[0-9a-f]{64})").matcher(out);
    assertTrue(anchor.find(), out);

    assertSuccess(Cli.runWithEnv(env(), "keys", "enable", "--keystore", address, "--key", "orders"));
    Cli.Result later = Cli.runWithEnv(dbOnly(), "keys", "audit", "--keystore", address, "--anchor", anchor.group(2),
        "--summary", "--json");
    assertSuccess(later);
    Matcher json = Pattern.compile("\"records\"\\s*:\\s*(\\d+)").matcher(later.stdoutText());
    assertTrue(json.find(), later.stdoutText());
    assertTrue(Long.parseLong(json.group(1)) > Long.parseLong(anchor.group(1)), "the enable added records");
    assertTrue(later.stdoutText().replace(" ", "").contains("\"anchorChecked\":true"), later.stdoutText());
  }

  @Test
  void keysAudit_editedRow_failsAsBrokenChain() {
    assertSuccess(Cli.runWithEnv(env(), "keys", "create", "--keystore", address, "--alias", "orders"));
    assertSuccess(Cli.runWithEnv(env(), "keys", "disable", "--keystore", address, "--key", "orders"));
    server.sql(db, "UPDATE envelope.audit SET line = replace(line, '\"caller\":\"cli\"', '\"caller\":\"eve\"')"
        + " WHERE seq = 1");
    Cli.Result r = Cli.runWithEnv(dbOnly(), "keys", "audit", "--keystore", address);
    assertEquals(ExitCode.AUTHENTICATION.code(), r.status(), r.toString());
    assertTrue(r.stderr().contains("does not verify"), r.stderr());
  }

  @Test
  void keysAudit_emptyDatabase_failsAsNoStore() {
    assertFailure(Cli.runWithEnv(dbOnly(), "keys", "audit", "--keystore", address), ExitCode.KEY_FILE,
        "holds no key store");
  }
}
