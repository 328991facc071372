package dev.envelope.observe;

/** The operations of {@code Envelope} an observer hears about. */
public enum Operation {
  /** {@code encrypt} and {@code encryptingStream}. */
  ENCRYPT("encrypt"),
  /** {@code decrypt}, {@code decryptingStream} and their variants. */
  DECRYPT("decrypt"),
  /** {@code rewrap}, in place or re-encrypting. */
  REWRAP("rewrap"),
  /** {@code openPlaintextChannel} and its signature-skipping variant: from open to close. */
  OPEN_CHANNEL("open_channel");

  private final String id;

  Operation(String id) {
    this.id = id;
  }

  /** Lower-case name: the suffix of span names such as {@code envelope.encrypt}. */
  public String id() {
    return id;
  }
}
