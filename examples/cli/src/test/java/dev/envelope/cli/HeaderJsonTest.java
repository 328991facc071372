package dev.envelope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderJsonTest {
  @Test
  void providerInfo_awsKms_isShownAsAKeyArn() {
    String arn = "arn:aws:kms:eu-west-1:111122223333:key/1234";
    assertEquals(Map.of("layout", "aws-kms", "keyArn", arn),
        HeaderJson.providerInfo("aws-kms", arn.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void providerInfo_rawAesLayout_isDecoded() {
    byte[] name = "k/ü".getBytes(StandardCharsets.UTF_8);
    ByteBuffer info = ByteBuffer.allocate(name.length + 20).put(name).putInt(128).putInt(12);
    for (int i = 0; i < 12; i++) {
      info.put((byte) i);
    }
    Map<String, Object> shown = HeaderJson.providerInfo("ns", info.array());
    assertEquals("raw-aes", shown.get("layout"));
    assertEquals("k/ü", shown.get("keyName"));
    assertEquals(128, shown.get("tagLengthBits"));
    assertEquals(12, shown.get("ivLength"));
    assertEquals("000102030405060708090a0b", shown.get("iv"));
  }

  @Test
  void providerInfo_otherTagLength_isNotTakenForRawAes() {
    byte[] name = "k".getBytes(StandardCharsets.UTF_8);
    byte[] info = ByteBuffer.allocate(name.length + 20).put(name).putInt(96).putInt(12).array();
    assertEquals("binary", HeaderJson.providerInfo("ns", info).get("layout"));
  }

  @Test
  void providerInfo_utf8Text_isShownAsKeyName() {
    assertEquals(Map.of("layout", "text", "keyName", "rsa key"),
        HeaderJson.providerInfo("ns", "rsa key".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void providerInfo_invalidUtf8_isShownAsHex() {
    assertEquals(Map.of("layout", "binary", "hex", "ff00fe"),
        HeaderJson.providerInfo("ns", new byte[] {(byte) 0xFF, 0, (byte) 0xFE}));
  }

  @Test
  void write_nestedValues_areIndentedAndEscaped() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a\"b\\c\u0001\u2028é");
    m.put("n", 5);
    m.put("b", true);
    m.put("l", List.of(1, "x"));
    m.put("e", Map.of());
    m.put("el", List.of());
    assertEquals("{\n  \"s\": \"a\\\"b\\\\c\\u0001\\u2028é\",\n  \"n\": 5,\n  \"b\": true,\n"
        + "  \"l\": [\n    1,\n    \"x\"\n  ],\n  \"e\": {},\n  \"el\": []\n}\n", Json.write(m));
  }

  @Test
  void write_everyControlCharacterDelAndLineSeparators_areEscapedAsBefore() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    all.append('\u007f').append('\u2028').append('\u2029').append("<>&='");
    String expected = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
        + "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a"
        + "\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f\\u2028\\u2029<>&='\"\n";
    assertEquals(expected, Json.write(all.toString()));
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k\u007f", Arrays.asList(null, 1.5, -7L, false, Map.of("x", List.of())));
    assertEquals("{\n  \"k\\u007f\": [\n    null,\n    1.5,\n    -7,\n    false,\n    {\n      \"x\": []\n    }\n  ]\n}\n",
        Json.write(nested));
  }
}
