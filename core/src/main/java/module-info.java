/**
 * Envelope core: the message format, algorithm suites, materials, raw and multi keyrings,
 * materials managers, caching and streaming. Depends only on the JDK and Bouncy Castle.
 */
module dev.envelope.core {
  requires org.bouncycastle.provider;

  exports dev.envelope;
  exports dev.envelope.cache;
  exports dev.envelope.keyring;
  exports dev.envelope.materials;
  exports dev.envelope.observe;
}
