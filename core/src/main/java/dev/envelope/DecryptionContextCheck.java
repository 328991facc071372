package dev.envelope;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks the encryption context of the decryption materials a materials manager returned against
 * the message header and the caller's expected context, before {@link Envelope} uses it. The
 * returned context must be exactly the stored pairs plus required (authenticate-only) pairs that
 * the header tag verifies and the caller expected:
 *
 * <ul>
 *   <li>every stored pair, with its stored value;
 *   <li>any other pair only if the materials name it as required context (so the header tag
 *       verifies it) and the caller expected it with that value;
 *   <li>every expected pair that is not stored, as required context.
 * </ul>
 */
final class DecryptionContextCheck {
  private DecryptionContextCheck() {}

  /** @throws MaterialsContextException naming the keys at fault, never their values */
  static void check(EncryptionContext stored, EncryptionContext expected, DecryptionMaterials materials) {
    EncryptionContext returned = materials.encryptionContext();
    Set<String> required = materials.requiredContextKeys();
    List<String> wrong = new ArrayList<>();
    stored.forEach((key, value) -> {
      if (!value.equals(returned.get(key).orElse(null))) {
        wrong.add(key);
      }
    });
    returned.forEach((key, value) -> {
      if (!stored.containsKey(key)
          && (!required.contains(key) || !value.equals(expected.get(key).orElse(null)))) {
        wrong.add(key);
      }
    });
    expected.forEach((key, value) -> {
      if (!stored.containsKey(key) && (!returned.containsKey(key) || !required.contains(key))) {
        wrong.add(key);
      }
    });
    if (!wrong.isEmpty()) {
      List<String> keys = List.copyOf(new java.util.LinkedHashSet<>(wrong));
      throw new MaterialsContextException(
          "the materials manager returned an encryption context that differs from the message's for"
              + " the keys " + keys + ": it must return the stored pairs unchanged plus, as required"
              + " context, only the expected pairs that are not stored; fix the materials manager",
          keys);
    }
  }
}
