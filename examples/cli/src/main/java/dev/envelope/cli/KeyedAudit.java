package dev.envelope.cli;

import dev.envelope.local.AuditVerification;
import dev.envelope.local.KeyStoreIntegrityException;
import dev.envelope.local.LocalKeyStore;
import java.nio.file.Path;

/**
 * {@code keys audit --keyed}: the audit trail's MACs, checked through the opened store ({@link
 * LocalKeyStore#verifyAuditLog()}), which only a passphrase holder can do.
 */
final class KeyedAudit {
  private KeyedAudit() {}

  /** Opens the store with its passphrase and verifies every record's MAC; exit 9 when one fails. */
  static void verify(String keystore, Path passphraseFile, Io io) {
    AuditVerification v;
    try (LocalKeyStore store = KeyStores.open(keystore, passphraseFile, null, io)) {
      v = store.verifyAuditLog();
    } catch (KeyStoreIntegrityException e) {
      throw new CliFailure(ExitCode.AUTHENTICATION, "the key store at " + KeyStores.describe(keystore)
          + " refused to open: " + e.getMessage() + "; keep its directory as evidence and investigate", e);
    }
    if (!v.isValid()) {
      throw new CliFailure(ExitCode.AUTHENTICATION, "the audit trail of " + KeyStores.describe(keystore)
          + " does not verify with its MACs: broken at line " + v.firstBadLine().getAsLong() + " after "
          + v.records() + " good records: " + v.problem() + "; its hash chain alone was recomputed by someone"
          + " without the passphrase, or it is another store's log: keep it as evidence and investigate");
    }
  }
}
