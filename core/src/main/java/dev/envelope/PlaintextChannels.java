package dev.envelope;

import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.PlaintextChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * {@link Envelope#openPlaintextChannel}: refuses what random access cannot promise (non-framed
 * messages; signed ones without the caller's opt-in), then verifies the header with every check of
 * decrypt and hands the body codec to a {@link PlaintextChannel}.
 */
final class PlaintextChannels {
  private PlaintextChannels() {}

  static SeekableByteChannel open(
      Decryptor reader, SeekableByteChannel message, EncryptionContext expected, boolean skipSignature) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(expected, "expected");
    MessageHeader header = PlaintextChannel.readHeader(message, reader::parseHeader);
    if (!header.framed()) {
      throw new IllegalArgumentException(
          "the message is not framed, so it has no frames to decrypt one by one; decrypt it whole"
              + " (decrypt or decryptingStream), or re-encrypt it framed (rewrap with reencrypt)");
    }
    if (header.suite().isSigned() && !skipSignature) {
      throw new IllegalArgumentException(
          "the message uses signing suite " + header.suite().idHex() + ", whose signature covers the"
              + " whole message and cannot be checked by reading parts of it; decrypt it whole, or"
              + " use openPlaintextChannelSkippingSignature if an unchecked signature is acceptable");
    }
    if (header.frameLength() > reader.maxFrameLength()) {
      throw new PolicyViolationException(
          "the message's frames are " + header.frameLength() + " bytes, more than the "
              + reader.maxFrameLength() + " a plaintext channel may hold in memory; raise"
              + " maxFrameLength if you trust the sender");
    }
    try (OpenedMessage opened = reader.openHeader(header, expected)) {
      return PlaintextChannel.open(message, header, opened.codec);
    }
  }
}
