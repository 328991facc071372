package dev.envelope.internal.format;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionContext;
import java.util.List;

/**
 * A parsed message header. Until the header tag is verified every field is unauthenticated.
 *
 * <p>{@link #headerBytes()} holds the header exactly as read (body and authentication); the first
 * {@link #bodyLength()} bytes are the header body that the header tag authenticates.
 */
public final class MessageHeader {
  private final int version;
  private final AlgorithmSuite suite;
  private final byte[] messageId;
  private final EncryptionContext storedContext;
  private final List<EncryptedDataKey> encryptedDataKeys;
  private final boolean framed;
  private final int frameLength;
  private final byte[] commitKey;
  private final byte[] headerBytes;
  private final int bodyLength;

  MessageHeader(
      int version,
      AlgorithmSuite suite,
      byte[] messageId,
      EncryptionContext storedContext,
      List<EncryptedDataKey> encryptedDataKeys,
      boolean framed,
      int frameLength,
      byte[] commitKey,
      byte[] headerBytes,
      int bodyLength) {
    this.version = version;
    this.suite = suite;
    this.messageId = messageId;
    this.storedContext = storedContext;
    this.encryptedDataKeys = encryptedDataKeys;
    this.framed = framed;
    this.frameLength = frameLength;
    this.commitKey = commitKey;
    this.headerBytes = headerBytes;
    this.bodyLength = bodyLength;
  }

  public int version() {
    return version;
  }

  public AlgorithmSuite suite() {
    return suite;
  }

  /** Not copied: internal callers must not modify it. */
  public byte[] messageId() {
    return messageId;
  }

  public EncryptionContext storedContext() {
    return storedContext;
  }

  public List<EncryptedDataKey> encryptedDataKeys() {
    return encryptedDataKeys;
  }

  public boolean framed() {
    return framed;
  }

  /** The frame length; 0 for non-framed messages. */
  public int frameLength() {
    return frameLength;
  }

  /** The version-2 suite data (commit key), or null. Not copied. */
  public byte[] commitKey() {
    return commitKey;
  }

  /** The version-1 header-auth IV (a copy), or null in version 2. */
  byte[] headerIv() {
    return version == 1 ? java.util.Arrays.copyOfRange(headerBytes, bodyLength, bodyLength + HeaderCodec.IV_LENGTH) : null;
  }

  /** The header tag (a copy). */
  byte[] headerTag() {
    return java.util.Arrays.copyOfRange(headerBytes, headerBytes.length - HeaderCodec.TAG_LENGTH, headerBytes.length);
  }

  /** The whole header as read. Not copied. */
  public byte[] headerBytes() {
    return headerBytes;
  }

  public int bodyLength() {
    return bodyLength;
  }

  /** The header length in bytes (body and authentication). */
  public int length() {
    return headerBytes.length;
  }
}
