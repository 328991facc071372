package dev.envelope.testkit.sample;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.Keyring;

/** The application code under test: seals each order under its tenant's encryption context. */
public final class OrderVault {
  private final Envelope envelope;

  public OrderVault(Keyring keyring) {
    this.envelope = envelope(keyring);
  }

  /** The application's Envelope configuration, which the contract test checks. */
  public static Envelope envelope(Keyring keyring) {
    return Envelope.builder().keyring(keyring).build();
  }

  public byte[] seal(String tenant, byte[] order) {
    return envelope.encrypt(order, EncryptionContext.of("tenant", tenant));
  }

  public byte[] open(String tenant, byte[] sealed) {
    return envelope.decrypt(sealed, EncryptionContext.of("tenant", tenant)).plaintext();
  }
}
