package dev.envelope.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.AlgorithmSuite;
import dev.envelope.DataKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Content and commit keys against the known answers of algorithm-suites.md §2.5 and the worked
 * examples of message-format.md §8 (all recomputed from the saved vectors).
 */
class MessageKeysTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Version-1 suites with the all-zero data key of the Python {@code null} provider. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0014, a564152d2c0ecd2fbc951b72b2587c32, 00000000000000000000000000000000",
    "0114, 3ebc7b0881bde324c6a7023a30418aa3, 42132c807d2a28e5803fb36aca39dcb4",
    "0146, 19361c49ee6cfd46abc6a7e60c221bb9, 50e9c9c2402742bf9cc232638de76755a1ede667b73fae5b",
    "0178, 731a270c473c816af6b86829f9a1c4c4, 1e5145199c751b955bc2c29e30143a13e123c3e813458a59652a47a1d947cf07",
    "0214, 52e6fbc8d3545eb34e3cb560ed12e7fb, 5884ad8c6d837723bfbcb86aa69925bd",
    "0346, a2f81d68d6a11018452b3215b66491ee, b3942ee6cb3b4d8e212084af75821208eed8f854530a1ed7",
    "0378, ad54ed8502aec035af98cefceb0fdf00, 665d64e666f2b6fd1adf79967daa878ef754d6577eb7b3f98e2c67099cb8d7fe",
  })
  void derive_versionOneSuiteZeroDataKey_matchesKnownContentKey(String suiteHex, String messageId, String contentKey) {
    AlgorithmSuite suite = AlgorithmSuite.fromHex(suiteHex);
    try (DataKey key = DataKey.copyOf(new byte[suite.dataKeyLength()]);
        MessageKeys keys = MessageKeys.derive(suite, key, HEX.parseHex(messageId))) {
      assertArrayEquals(HEX.parseHex(contentKey), keys.contentKey().getEncoded());
      assertNull(keys.commitKey(), "version-1 suites have no commit key");
      assertFalse(keys.commitKeyMatches(new byte[32]));
    }
  }

  /** Committing suites: algorithm-suites.md §2.5 tests #4 and #10, and message-format.md example B. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "test #4, 0000000000000000000000000000000000000000000000000000000000000000,"
        + " 0000000000000000000000000000000000000000000000000000000000000000,"
        + " a9299dde8c7bafe70878698986e82e6378b94bf2cc29551824681647bae113a3,"
        + " 433d837f59cb7e9bc6334d154aff831109c6372d98f8b5ac8588bff7efaba651",
    "test #10, 49f7689f61287455a2198e884ef2032595e1cca64f8f62100a2fb5c7fb70da1a,"
        + " 3ca5a9c973819a4e320f26a4ab4551957b92b683e8690d27d2d3b58bff4b755b,"
        + " a3e6af3abf396166c61658781b9900e48f30056e2aaded1de7ff81b16fee3a2b,"
        + " f1b15c98a7debf8692be14f9bea72e061e2b1531ca3a9ccee80c7af4f0f0728a",
    "example B, fa9ebec213d5c3d90ead82d914c4412769fa5658ba4ffed39230e8b92fb6e6cd,"
        + " 4dfbd1314d9d55925b817232c5e36d6e3e5e230f018930e2c2c1f243f67dc179,"
        + " 57aef7d35c8c26d9348f139cdd025e05a73ab8ac4edd7ca55ad90a4d899453e3,"
        + " 17cf08f733db51049f3a5ccb5effae218dbe9bf13a8f63ccb1b81e1d51ff2f4c",
  })
  void derive_suite0478_matchesKnownContentAndCommitKeys(
      String name, String dataKey, String messageId, String contentKey, String commitKey) {
    try (DataKey key = DataKey.copyOf(HEX.parseHex(dataKey));
        MessageKeys keys =
            MessageKeys.derive(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, key, HEX.parseHex(messageId))) {
      assertArrayEquals(HEX.parseHex(contentKey), keys.contentKey().getEncoded());
      assertArrayEquals(HEX.parseHex(commitKey), keys.commitKey());
      assertTrue(keys.commitKeyMatches(HEX.parseHex(commitKey)));
      byte[] wrong = HEX.parseHex(commitKey);
      wrong[31] ^= 1;
      assertFalse(keys.commitKeyMatches(wrong));
    }
  }

  /**
   * message-format.md example C (suite 0x0578, Dafny vector 6ef11baf…): the suite id is part of
   * the DERIVEKEY info, and the derived commit key is the one in the 302-byte header.
   */
  @Test
  void derive_suite0578ExampleC_matchesKnownContentKeyAndHeaderCommitKey() throws IOException {
    byte[] message;
    try (InputStream in =
        MessageKeysTest.class.getResourceAsStream(
            "/vectors/esdk-dafny-4.1.0/ciphertexts/6ef11baf-14b0-4421-a685-1fd2ff1a376e")) {
      assertNotNull(in, "example C vector is missing");
      message = in.readAllBytes();
    }
    assertEquals(10751, message.length);
    byte[] messageId = Arrays.copyOfRange(message, 3, 35);
    assertArrayEquals(HEX.parseHex("411fe796"), Arrays.copyOf(messageId, 4));
    try (DataKey key =
            DataKey.copyOf(HEX.parseHex("e1c58f6556b5399a1f11e7217e43ea8b35e7a74f655c2507690548e0fab4cb84"));
        MessageKeys keys =
            MessageKeys.derive(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, key, messageId)) {
      assertArrayEquals(
          HEX.parseHex("aca8be295db70e0090d2eb358c8cccdf475244edb5fdc210d6e466599a7a44ba"),
          keys.contentKey().getEncoded());
      assertArrayEquals(Arrays.copyOfRange(message, 302 - 16 - 32, 302 - 16), keys.commitKey());
    }
  }
}
