package dev.envelope.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.encryptionsdk.exception.CannotUnwrapDataKeyException;
import dev.envelope.AlgorithmSuite;
import dev.envelope.CommitmentPolicy;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.RewrapRequest;
import dev.envelope.UnauthenticatedHeader;
import dev.envelope.testing.Esdk;
import dev.envelope.testing.Esdk.MatchedKey;
import dev.envelope.testing.Messages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Rewrap interop with the AWS Encryption SDK for Java 3.0.2: the ESDK encrypts under raw AES key
 * A, Envelope (holding A) rewraps to raw AES key B, and the ESDK decrypts the result with B alone,
 * while A alone no longer opens it. For every unsigned suite, framed and non-framed:
 *
 * <ul>
 *   <li>version 1 (0x0014 … 0x0178): rewrapped in place, array and stream; the body is byte for byte
 *       the ESDK's, only the encrypted data keys and the header IV and tag change;
 *   <li>version 2 (0x0478): refused in place (its header IV is fixed), re-encrypted on request.
 * </ul>
 */
class RewrapInteropTest {
  static final int FRAME = 128;
  static final int[] SIZES = {0, 1, FRAME, 3 * FRAME + 17};
  static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "clé", "värde 😀");
  static final MatchedKey A = Esdk.rawAes("interop-ns", "key-a", filled(32, 0xA1));
  static final MatchedKey B = Esdk.rawAes("interop-ns", "key-b", filled(32, 0xB2));

  static byte[] filled(int length, int value) {
    byte[] key = new byte[length];
    Arrays.fill(key, (byte) value);
    return key;
  }

  static Envelope holderOfA() {
    return Envelope.builder().keyring(A.keyring())
        .commitmentPolicy(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT).build();
  }

  static byte[] body(byte[] message) {
    UnauthenticatedHeader header = Envelope.inspectUnauthenticated(message);
    return Arrays.copyOfRange(message, header.headerLength(), message.length);
  }

  static byte[] streamed(byte[] message, RewrapRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    holderOfA().rewrap(new ByteArrayInputStream(message), out, CONTEXT, request);
    return out.toByteArray();
  }

  static void assertEsdkReadsWithBOnly(byte[] rewrapped, byte[] plaintext) {
    var result = Esdk.decrypt(B.masterKey(), rewrapped);
    assertArrayEquals(plaintext, result.getResult());
    assertEquals("acme", result.getEncryptionContext().get("tenant"));
    assertThrows(CannotUnwrapDataKeyException.class, () -> Esdk.decrypt(A.masterKey(), rewrapped));
  }

  static List<AlgorithmSuite> unsigned(int version) {
    List<AlgorithmSuite> suites = new ArrayList<>();
    for (AlgorithmSuite suite : AlgorithmSuite.values()) {
      if (!suite.isSigned() && suite.messageFormatVersion() == version) {
        suites.add(suite);
      }
    }
    return suites;
  }

  @Test
  void coverage_everyUnsignedSuiteOfBothVersions() {
    assertEquals(6, unsigned(1).size());
    assertEquals(1, unsigned(2).size());
  }

  @TestFactory
  Stream<DynamicTest> rewrap_esdkVersion1Message_esdkReadsItWithTheNewKeyOnly() {
    List<DynamicTest> tests = new ArrayList<>();
    for (AlgorithmSuite suite : unsigned(1)) {
      for (int frame : new int[] {FRAME, 0}) {
        for (int size : SIZES) {
          tests.add(DynamicTest.dynamicTest(suite.idHex() + (frame == 0 ? " non-framed " : " framed ") + size, () -> {
            byte[] plaintext = Messages.plaintext(size);
            byte[] original = Esdk.encrypt(A.masterKey(), suite, frame, plaintext, CONTEXT);
            RewrapRequest request = RewrapRequest.to(B.keyring()).build();
            for (byte[] rewrapped : new byte[][] {holderOfA().rewrap(original, CONTEXT, request), streamed(original, request)}) {
              assertArrayEquals(body(original), body(rewrapped));
              UnauthenticatedHeader before = Envelope.inspectUnauthenticated(original);
              UnauthenticatedHeader after = Envelope.inspectUnauthenticated(rewrapped);
              assertArrayEquals(before.messageId(), after.messageId());
              assertEquals(before.storedContext(), after.storedContext());
              assertEquals(before.frameLength(), after.frameLength());
              assertEsdkReadsWithBOnly(rewrapped, plaintext);
            }
          }));
        }
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> rewrap_keepExistingKeys_esdkReadsItWithEitherKey() {
    return unsigned(1).stream().map(suite -> DynamicTest.dynamicTest(suite.idHex(), () -> {
      byte[] plaintext = Messages.plaintext(FRAME + 1);
      byte[] original = Esdk.encrypt(A.masterKey(), suite, FRAME, plaintext, CONTEXT);
      byte[] rewrapped = holderOfA().rewrap(original, CONTEXT, RewrapRequest.to(B.keyring()).keepExistingKeys().build());
      assertArrayEquals(plaintext, Esdk.decrypt(A.masterKey(), rewrapped).getResult());
      assertArrayEquals(plaintext, Esdk.decrypt(B.masterKey(), rewrapped).getResult());
    }));
  }

  @TestFactory
  Stream<DynamicTest> rewrap_esdkVersion2Message_refusedInPlaceAndReencryptedOnRequest() {
    List<DynamicTest> tests = new ArrayList<>();
    for (AlgorithmSuite suite : unsigned(2)) {
      for (int frame : new int[] {FRAME, 0}) {
        for (int size : SIZES) {
          tests.add(DynamicTest.dynamicTest(suite.idHex() + (frame == 0 ? " non-framed " : " framed ") + size, () -> {
            byte[] plaintext = Messages.plaintext(size);
            byte[] original = Esdk.encrypt(A.masterKey(), suite, frame, plaintext, CONTEXT);
            assertThrows(IllegalArgumentException.class,
                () -> holderOfA().rewrap(original, CONTEXT, RewrapRequest.to(B.keyring()).build()));
            RewrapRequest request = RewrapRequest.to(B.keyring()).reencrypt().build();
            for (byte[] reencrypted : new byte[][] {holderOfA().rewrap(original, CONTEXT, request), streamed(original, request)}) {
              UnauthenticatedHeader after = Envelope.inspectUnauthenticated(reencrypted);
              assertEquals(suite, after.algorithmSuite());
              assertTrue(after.frameLength() > 0);
              assertFalse(Arrays.equals(Envelope.inspectUnauthenticated(original).messageId(), after.messageId()));
              assertEsdkReadsWithBOnly(reencrypted, plaintext);
            }
          }));
        }
      }
    }
    return tests.stream();
  }

  @Test
  void rewrap_esdkSignedMessage_reencryptedAndVerifiedByTheEsdk() {
    AlgorithmSuite suite = AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384;
    byte[] plaintext = Messages.plaintext(3 * FRAME + 5);
    byte[] original = Esdk.encrypt(A.masterKey(), suite, FRAME, plaintext, CONTEXT);
    assertThrows(IllegalArgumentException.class,
        () -> holderOfA().rewrap(original, CONTEXT, RewrapRequest.to(B.keyring()).build()));
    byte[] reencrypted = streamed(original, RewrapRequest.to(B.keyring()).reencrypt().build());
    assertEsdkReadsWithBOnly(reencrypted, plaintext);
  }
}
