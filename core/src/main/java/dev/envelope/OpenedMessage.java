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

  DataKey dataKey() {
    return materials.dataKey().orElseThrow(() -> new IllegalStateException("no data key"));
  }

  @Override
  public void close() {
    materials.dataKey().ifPresent(DataKey::close);
  }
}
