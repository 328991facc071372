package dev.envelope.local;

import dev.envelope.KeyProviderException;

/**
 * A key could not be created because another key of the store already has the alias asked for.
 * {@link LocalKeyStore#createKeyIfAbsent} returns the existing key instead.
 */
public class AliasInUseException extends KeyProviderException {
  private static final long serialVersionUID = 1L;
  private final String alias;
  private final String keyId;

  public AliasInUseException(String alias, String keyId, String message) {
    super(message);
    this.alias = alias;
    this.keyId = keyId;
  }

  /** The alias that is taken. */
  public String alias() {
    return alias;
  }

  /** The id of the key that has it. */
  public String keyId() {
    return keyId;
  }
}
