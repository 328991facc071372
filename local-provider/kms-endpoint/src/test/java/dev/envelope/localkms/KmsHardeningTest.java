package dev.envelope.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.localkms.junit.LocalKms;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;

/**
 * The endpoint against a hostile caller (issue 12, item 7), each test written as the attack: a
 * replayed request pointed at another operation, idle and slow connections, a body sent before
 * the caller proved anything, too many connections, and malformed JSON.
 */
class KmsHardeningTest {
  private static LocalKms start(LocalKmsServer.Builder builder) {
    return LocalKms.start(builder);
  }

  @Test
  void capturedDescribeKey_replayedAsScheduleKeyDeletion_isRejectedAndTheKeyStaysEnabled() {
    try (LocalKms kms = start(LocalKmsServer.builder())) {
      String keyArn = kms.createKey();
      String body = "{\"KeyId\":\"" + keyArn + "\"}";
      // A minimal signer that did not sign X-Amz-Target: the captured request verifies as far as
      // its signed parts go, and the attacker sets the target it wants.
      RawKms.Response swapped =
          RawKms.to(kms, null)
              .body(body)
              .tamper(h -> h.put("X-Amz-Target", List.of("TrentService.ScheduleKeyDeletion")))
              .send();
      assertEquals(400, swapped.status());
      assertEquals("InvalidSignatureException", swapped.errorType());
      assertTrue(swapped.message().contains("x-amz-target"), swapped.message());
      assertEquals(
          KeyState.ENABLED, kms.client().describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState());
      assertEquals(0, kms.server().callCount(KmsOperation.SCHEDULE_KEY_DELETION));
    }
  }

  @Test
  void signedRequest_whileFortyIdleConnectionsAreHeldOpen_completesWithinASecond() throws Exception {
    try (LocalKms kms = start(LocalKmsServer.builder())) {
      kms.client().listKeys(); // warm the client: the SDK's own start-up is not the endpoint's
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 40; i++) {
          Socket s = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort());
          if (i % 2 == 0) {
            s.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          idle.add(s);
        }
        long start = System.nanoTime();
        kms.client().listKeys();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "a signed call took " + millis + " ms beside 40 idle connections");
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void slowHeaders_trickledByteByByte_areCutOffAtTheReadTimeout() throws Exception {
    try (LocalKms kms = start(LocalKmsServer.builder().readTimeout(Duration.ofMillis(500)));
        Socket s = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      byte[] head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      boolean cut = false;
      for (int i = 0; i < 200 && !cut; i++) { // 200 bytes at 50 ms each: 10 s if never cut off
        try {
          out.write(head[Math.min(i, head.length - 1)]);
          out.flush();
          Thread.sleep(50);
        } catch (IOException e) {
          cut = true;
        }
        if (!cut && s.getInputStream().available() == 0 && closedByPeer(s)) {
          cut = true;
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(cut, "the endpoint kept a trickling connection open");
      assertTrue(millis < 5000, "cut off after " + millis + " ms");
    }
  }

  /** Whether the peer closed: a read that ends the stream (or is reset) without blocking long. */
  private static boolean closedByPeer(Socket s) throws IOException {
    s.setSoTimeout(1);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      s.setSoTimeout(10_000);
    }
  }

  @Test
  void largeBody_withAnUnknownAccessKey_isRefusedBeforeASingleBodyByteIsSent() throws Exception {
    try (LocalKms kms = start(LocalKmsServer.builder());
        Socket s = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort())) {
      s.setSoTimeout(5_000);
      String head =
          "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: TrentService.ListKeys\r\n"
              + "X-Amz-Date: 20260101T000000Z\r\n"
              + "Authorization: AWS4-HMAC-SHA256 Credential=AKIANOBODY/20260101/us-east-1/kms/aws4_request,"
              + " SignedHeaders=host;x-amz-date;x-amz-target, Signature=00\r\n"
              + "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      String response = readAll(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 400 "), response);
      assertTrue(response.contains("UnrecognizedClientException"), response);
      assertTrue(!response.contains("100 Continue"), "no 100 Continue for an unknown signer: " + response);
    }
  }

  @Test
  void declaredBodyOverTheCap_isRefusedWith413BeforeItIsRead() throws Exception {
    try (LocalKms kms = start(LocalKmsServer.builder());
        Socket s = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort())) {
      s.setSoTimeout(5_000);
      String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      String response = readAll(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 413 "), response);
      assertTrue(response.contains("RequestEntityTooLargeException"), response);
    }
  }

  @Test
  void connectionsBeyondTheCap_areAnswered503_andSignedCallsWorkOnceTheyClose() throws Exception {
    try (LocalKms kms = start(LocalKmsServer.builder().maxConnections(4))) {
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        idle.add(new Socket(kms.endpoint().getHost(), kms.endpoint().getPort()));
      }
      Thread.sleep(200); // the endpoint has accepted them
      try (Socket extra = new Socket(kms.endpoint().getHost(), kms.endpoint().getPort())) {
        extra.setSoTimeout(5_000);
        String response = readAll(extra.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 503 "), response);
      }
      for (Socket s : idle) {
        s.close();
      }
      Thread.sleep(200);
      assertEquals(0, kms.client().listKeys().keys().size());
    }
  }

  @Test
  void malformedJson_ofEveryKind_is400SerializationWithNothingLogged() {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              logged.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (LocalKms kms = start(LocalKmsServer.builder())) {
      List<byte[]> bodies = new ArrayList<>();
      bodies.add(utf8("{\"NumberOfBytes\":1e999999999}"));
      bodies.add(utf8("{\"NumberOfBytes\":1e9999999999}"));
      bodies.add(utf8("{\"NumberOfBytes\":-1e999999999}"));
      bodies.add(utf8("{\"NumberOfBytes\":123456789012345678901234567890123456789}"));
      bodies.add(utf8("{\"NumberOfBytes\":16,\"NumberOfBytes\":32}"));
      bodies.add(utf8("{\"NumberOfBytes\":16,\"Nested\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
      bodies.add(utf8("{\"NumberOfBytes\":16,\"Nested\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}"));
      bodies.add(new byte[] {'{', '"', 'K', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
      bodies.add(new byte[] {'{', '"', 'K', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});
      for (byte[] body : bodies) {
        RawKms.Response r = RawKms.to(kms, "GenerateRandom").bodyBytes(body).send();
        String shown = new String(body, 0, Math.min(body.length, 60), StandardCharsets.ISO_8859_1);
        assertEquals(400, r.status(), shown);
        assertEquals("SerializationException", r.errorType(), shown);
      }
      assertEquals(
          32, kms.client().generateRandom(r -> r.numberOfBytes(32)).plaintext().asByteArray().length);
    } finally {
      root.removeHandler(capture);
    }
    assertEquals(List.of(), logged.stream().map(LogRecord::getMessage).toList());
  }

  @Test
  void builder_nonLoopbackHostWithoutAllowRemoteClients_failsAtStart() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> LocalKmsServer.builder().host("0.0.0.0").start());
    assertTrue(e.getMessage().contains("allowRemoteClients()"), e.getMessage());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the endpoint sent before it closed the connection. */
  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
