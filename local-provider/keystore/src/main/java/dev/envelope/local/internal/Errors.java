package dev.envelope.local.internal;

/** Error-message helpers shared by the key store and the PKCS#11 classes. */
public final class Errors {
  private Errors() {}

  /** The innermost non-blank message of {@code t}'s causes (for SunPKCS11, the PKCS#11 return code). */
  public static String rootMessage(Throwable t) {
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        message = c.getMessage();
      }
    }
    return message != null ? message : t.getClass().getSimpleName();
  }
}
