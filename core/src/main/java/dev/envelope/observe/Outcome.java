package dev.envelope.observe;

/** How an observed operation or keyring call ended. */
public enum Outcome {
  /** It returned normally (for a stream: it was closed after its last byte was verified). */
  SUCCESS,
  /** It threw, or a stream was closed or abandoned before it completed. */
  FAILURE;

  /** Lower-case name, as used in metric and span attributes: {@code success}, {@code failure}. */
  public String id() {
    return this == SUCCESS ? "success" : "failure";
  }
}
