package dev.envelope.internal.crypto;

/**
 * A broken internal invariant or a JDK that lacks a required algorithm. Never caused by input
 * data; seeing one is a bug to report.
 */
public final class CryptoBugException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoBugException(String message, Throwable cause) {
    super(message, cause);
  }

  public CryptoBugException(String message) {
    super(message);
  }
}
