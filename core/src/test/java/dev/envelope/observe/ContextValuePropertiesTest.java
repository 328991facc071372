package dev.envelope.observe;

import static dev.envelope.observe.ObservedOperationsTest.KEYRING;
import static dev.envelope.observe.ObservedOperationsTest.S0478;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** For random contexts and allow-lists, no context value reaches the observer unless allow-listed. */
class ContextValuePropertiesTest {
  private static final String MARK = "VALUE~";

  @Provide
  Arbitrary<Map<String, String>> contexts() {
    Arbitrary<String> keys = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
    // Every value is marked and unique, so finding it in the observer's text is unambiguous.
    return Arbitraries.maps(keys, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(8))
        .ofMinSize(1)
        .ofMaxSize(8)
        .map(m -> {
          Map<String, String> marked = new TreeMap<>();
          int i = 0;
          for (Map.Entry<String, String> e : m.entrySet()) {
            marked.put(e.getKey(), MARK + (i++) + "~" + e.getValue() + "~");
          }
          return marked;
        });
  }

  @Property(tries = 60)
  void observer_randomContextsAndAllowLists_reportOnlyAllowListedValues(
      @ForAll("contexts") Map<String, String> pairs, @ForAll long allowMask) throws IOException {
    EncryptionContext context = EncryptionContext.builder().putAll(pairs).build();
    Set<String> allowed = new HashSet<>();
    int bit = 0;
    for (String key : pairs.keySet()) {
      if ((allowMask >>> (bit++ % 64) & 1) == 1) {
        allowed.add(key);
      }
    }
    allowed.add("not-in-any-context");
    RecordingObserver observer = new RecordingObserver(allowed);
    Envelope envelope = Envelope.builder().keyring(KEYRING).algorithmSuite(S0478).observer(observer).build();
    byte[] plaintext = "some plaintext".getBytes(StandardCharsets.UTF_8);
    byte[] message = envelope.encrypt(plaintext, context);
    envelope.decrypt(message, context);
    envelope.decryptingStream(new ByteArrayInputStream(message), EncryptionContext.empty()).close();

    String everything = observer.everything();
    for (Map.Entry<String, String> pair : pairs.entrySet()) {
      assertEquals(allowed.contains(pair.getKey()), everything.contains(pair.getValue()), everything);
    }
    assertFalse(everything.contains("some plaintext"));
    assertEquals(3, observer.results.size());
    for (OperationResult r : observer.results) {
      assertEquals(List.copyOf(pairs.keySet()).stream().sorted().toList(), r.contextKeys());
      for (Map.Entry<String, String> value : r.contextValues().entrySet()) {
        assertTrue(allowed.contains(value.getKey()));
        assertEquals(pairs.get(value.getKey()), value.getValue());
      }
    }
  }
}
