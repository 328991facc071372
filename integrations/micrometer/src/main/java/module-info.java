/**
 * A Micrometer {@code MeterBinder} for Envelope: operations, keyring calls and the data-key cache
 * as counters and timers, never a context value, plaintext or key.
 */
module dev.envelope.micrometer {
  requires transitive dev.envelope.core;
  requires transitive micrometer.core;

  exports dev.envelope.micrometer;
}
