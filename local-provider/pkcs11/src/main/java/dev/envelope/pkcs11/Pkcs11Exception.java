package dev.envelope.pkcs11;

import dev.envelope.KeyProviderException;

/**
 * A PKCS#11 token or its library could not do what was asked. {@link #reason()} says which of the
 * known causes it was, in core's {@link KeyProviderException.Reason} vocabulary ({@code
 * PROVIDER_NOT_FOUND}: no library or token; {@code ACCESS_DENIED}: the login was refused; {@code
 * UNSUPPORTED}: a mechanism is missing; {@code SERVICE_ERROR}: the token failed), so callers can
 * react without parsing the message; the message says what to fix. Messages name libraries, token
 * labels and key labels, never a PIN or key material.
 */
public final class Pkcs11Exception extends KeyProviderException {
  private static final long serialVersionUID = 1L;

  Pkcs11Exception(Reason reason, String message) {
    super(reason, message);
  }

  Pkcs11Exception(Reason reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
