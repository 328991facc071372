package dev.envelope;

import java.util.List;

/**
 * What a message header says, read <strong>without any key and without verifying anything</strong>.
 * Anyone can forge these fields; use them to decide which keys to try or to show a message's
 * metadata, never to make a security decision. Returned by {@link Envelope#inspectUnauthenticated}.
 */
public final class UnauthenticatedHeader {
  private final int version;
  private final AlgorithmSuite suite;
  private final byte[] messageId;
  private final EncryptionContext storedContext;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final boolean framed;
  private final int frameLength;
  private final int headerLength;

  UnauthenticatedHeader(
      int version,
      AlgorithmSuite suite,
      byte[] messageId,
      EncryptionContext storedContext,
      List<EncryptedDataKey> encryptedDataKeys,
      boolean framed,
      int frameLength,
      int headerLength) {
    this.version = version;
    this.suite = suite;
    this.messageId = messageId.clone();
    this.storedContext = storedContext;
    this.encryptedDataKeys = List.copyOf(encryptedDataKeys);
    this.framed = framed;
    this.frameLength = frameLength;
    this.headerLength = headerLength;
  }

  /** The message format version, 1 or 2. */
  public int version() {
    return version;
  }

  public AlgorithmSuite algorithmSuite() {
    return suite;
  }

  /** The message id (a copy). */
  public byte[] messageId() {
    return messageId.clone();
  }

  /** The encryption context stored in the header (without required, authenticate-only pairs). */
  public EncryptionContext storedContext() {
    return storedContext;
  }

  /** Who can decrypt: one entry per master key the data key was wrapped under. */
  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  public boolean framed() {
    return framed;
  }

  /** The frame length in bytes; 0 for non-framed messages. */
  public int frameLength() {
    return frameLength;
  }

  /** The header length in bytes, including its authentication tag. */
  public int headerLength() {
    return headerLength;
  }

  @Override
  public String toString() {
    return "UnauthenticatedHeader[version=" + version + ", suite=" + suite.idHex() + ", context="
        + storedContext + ", encryptedDataKeys=" + encryptedDataKeys.size() + ", frameLength="
        + frameLength + "]";
  }

  static UnauthenticatedHeader of(dev.envelope.internal.format.MessageHeader h) {
    return new UnauthenticatedHeader(
        h.version(), h.suite(), h.messageId(), h.storedContext(), h.encryptedDataKeys(), h.framed(),
        h.frameLength(), h.length());
  }
}
