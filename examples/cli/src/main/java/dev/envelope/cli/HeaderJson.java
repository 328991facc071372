package dev.envelope.cli;

import dev.envelope.AlgorithmSuite;
import dev.envelope.EncryptedDataKey;
import dev.envelope.UnauthenticatedHeader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code envelope inspect} prints: a message header as JSON, labelled unauthenticated, with
 * each encrypted data key's provider info decoded into the layout its provider writes.
 */
final class HeaderJson {
  /** Raw AES provider info ends with u32 tag bits, u32 IV length and the IV (spec: framework/raw-aes-keyring.md). */
  private static final int RAW_AES_TRAILER = 4 + 4 + 12;

  static final String WARNING =
      "UNAUTHENTICATED: read without any key and without verifying anything; anyone can forge"
          + " these fields. Only 'envelope decrypt' authenticates a message.";

  private HeaderJson() {}

  static String render(UnauthenticatedHeader header) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("authenticated", false);
    root.put("warning", WARNING);
    root.put("version", header.version());
    root.put("suite", suite(header.algorithmSuite()));
    root.put("messageId", HexFormat.of().formatHex(header.messageId()));
    root.put("encryptionContext", new LinkedHashMap<>(header.storedContext().asMap()));
    List<Object> keys = new ArrayList<>();
    for (EncryptedDataKey edk : header.encryptedDataKeys()) {
      keys.add(encryptedDataKey(edk));
    }
    root.put("encryptedDataKeys", keys);
    root.put("contentType", header.framed() ? "framed" : "non-framed");
    root.put("frameLength", header.frameLength());
    root.put("headerLength", header.headerLength());
    return Json.write(root);
  }

  private static Map<String, Object> suite(AlgorithmSuite suite) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", suite.idHex());
    s.put("name", suite.name());
    s.put("committing", suite.isCommitting());
    s.put("signed", suite.isSigned());
    s.put("keyDerivation", suite.kdf().name());
    s.put("dataKeyLength", suite.dataKeyLength());
    return s;
  }

  static Map<String, Object> encryptedDataKey(EncryptedDataKey edk) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("providerId", edk.providerId());
    k.put("providerInfo", providerInfo(edk.providerId(), edk.providerInfo()));
    k.put("ciphertextLength", edk.ciphertextLength());
    return k;
  }

  /**
   * The provider info in the layout its provider writes: AWS KMS a key ARN; the raw AES keyring a
   * key name, tag length, IV length and IV; the raw RSA keyring (and others) a UTF-8 key name;
   * anything else as hex.
   */
  static Map<String, Object> providerInfo(String providerId, byte[] info) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (providerId.startsWith("aws-kms")) {
      Optional<String> arn = utf8(info);
      if (arn.isPresent()) {
        p.put("layout", "aws-kms");
        p.put("keyArn", arn.get());
        return p;
      }
    }
    Optional<String> aesName = rawAesKeyName(info);
    if (aesName.isPresent()) {
      int n = info.length - RAW_AES_TRAILER;
      ByteBuffer trailer = ByteBuffer.wrap(info, n, RAW_AES_TRAILER);
      p.put("layout", "raw-aes");
      p.put("keyName", aesName.get());
      p.put("tagLengthBits", trailer.getInt());
      p.put("ivLength", trailer.getInt());
      p.put("iv", HexFormat.of().formatHex(info, n + 8, info.length));
      return p;
    }
    Optional<String> text = utf8(info).filter(s -> s.codePoints().noneMatch(Character::isISOControl));
    if (text.isPresent()) {
      p.put("layout", "text");
      p.put("keyName", text.get());
      return p;
    }
    p.put("layout", "binary");
    p.put("hex", HexFormat.of().formatHex(info));
    return p;
  }

  /** The key name, if {@code info} is a raw AES keyring's: name, then tag bits 128 and IV length 12. */
  private static Optional<String> rawAesKeyName(byte[] info) {
    int n = info.length - RAW_AES_TRAILER;
    if (n < 1) {
      return Optional.empty();
    }
    ByteBuffer trailer = ByteBuffer.wrap(info, n, 8);
    if (trailer.getInt() != 128 || trailer.getInt() != 12) {
      return Optional.empty();
    }
    byte[] name = new byte[n];
    System.arraycopy(info, 0, name, 0, n);
    return utf8(name);
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
