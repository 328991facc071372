package dev.envelope.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.EncryptionContext;
import dev.envelope.internal.format.EncryptionContextCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The canonical encoding does not depend on how a context was assembled. */
class EncryptionContextPropertiesTest {
  @Provide
  Arbitrary<Map<String, String>> pairs() {
    return Arbitraries.maps(Generators.contextKeys(), Generators.text(10)).ofMaxSize(8);
  }

  @Property
  void toCanonicalBytes_anyInsertionOrder_isIdentical(
      @ForAll("pairs") Map<String, String> pairs, @ForAll Random random) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(pairs.entrySet());
    EncryptionContext.Builder first = EncryptionContext.builder();
    entries.forEach(e -> first.put(e.getKey(), e.getValue()));
    Collections.shuffle(entries, random);
    EncryptionContext.Builder second = EncryptionContext.builder();
    entries.forEach(e -> second.put(e.getKey(), e.getValue()));

    EncryptionContext a = first.build();
    EncryptionContext b = second.build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertArrayEquals(a.toCanonicalBytes(), b.toCanonicalBytes());
    assertEquals(List.copyOf(a.keys()), List.copyOf(b.keys()));
  }

  @Property
  void keys_anyContext_areSortedByUnsignedUtf8Bytes(@ForAll("pairs") Map<String, String> pairs) {
    List<String> keys = List.copyOf(EncryptionContext.from(pairs).keys());
    for (int i = 1; i < keys.size(); i++) {
      byte[] previous = keys.get(i - 1).getBytes(StandardCharsets.UTF_8);
      byte[] current = keys.get(i).getBytes(StandardCharsets.UTF_8);
      assertTrue(Arrays.compareUnsigned(previous, current) < 0, keys.get(i - 1) + " before " + keys.get(i));
    }
  }

  @Property
  void deserialize_canonicalBytes_roundTrips(@ForAll("pairs") Map<String, String> pairs) {
    EncryptionContext context = EncryptionContext.from(pairs);
    byte[] bytes = context.toCanonicalBytes();
    assertEquals(context, EncryptionContextCodec.deserialize(bytes, 0, bytes.length));
    assertEquals(bytes.length, context.canonicalLength());
  }
}
