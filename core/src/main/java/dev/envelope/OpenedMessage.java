package dev.envelope;

import dev.envelope.internal.format.FrameCodec;
import dev.envelope.internal.format.MessageHeader;

/**
 * A message header that passed every check decrypt makes before the body (expected context,
 * commitment policy, materials, key commitment, header tag), with the materials and the body codec
 * it was verified with. Closing it zeroes the data key. Used by rewrap and random access.
 */
final class OpenedMessage implements AutoCloseable {
  final MessageHeader header;
  final DecryptionMaterials materials;
  final FrameCodec codec;

  OpenedMessage(MessageHeader header, DecryptionMaterials materials, FrameCodec codec) {
    this.header = header;
    this.materials = materials;
    this.codec = codec;
  }

  /**
   * Checks that the materials manager kept the message's stored context: its context minus the
   * required keys must be exactly the stored pairs (the new encrypted data keys bind it).
   */
  static void checkContext(MessageHeader header, DecryptionMaterials materials) {
    EncryptionContext stored =
        materials.encryptionContext().removeKeys(materials.requiredContextKeys());
    if (!stored.equals(header.storedContext())) {
      throw new IllegalStateException(
          "the materials manager returned an encryption context that differs from the message's"
              + " stored context; it must only add required (authenticate-only) pairs");
    }
  }

  DataKey dataKey() {
    return materials.dataKey().orElseThrow(() -> new IllegalStateException("no data key"));
  }

  @Override
  public void close() {
    materials.dataKey().ifPresent(DataKey::close);
  }
}
