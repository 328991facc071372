package dev.envelope.pkcs11;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where a PKCS#11 token is and how to log in: the library (the token vendor's PKCS#11 module), the
 * token (by label, or by slot list index), and a supplier of the user PIN.
 *
 * <pre>{@code
 * Pkcs11Config config = Pkcs11Config.builder()
 *     .library(Path.of("/usr/lib/softhsm/libsofthsm2.so"))
 *     .tokenLabel("envelope")
 *     .pin(() -> System.getenv("TOKEN_PIN").toCharArray())
 *     .build();
 * }</pre>
 *
 * <p>Select a token by label where you can: slot ids and list positions can change when tokens are
 * added (SoftHSM renumbers slots whenever a token is initialized). A slot list index counts the
 * entries of {@code C_GetSlotList(FALSE)}, as SunPKCS11's {@code slotListIndex} does.
 *
 * <h2>Security guarantees</h2>
 *
 * The PIN is asked for only when the token is opened; the array the supplier returns is zeroed
 * right after login. The configuration never stores, prints or logs a PIN. Immutable and
 * thread-safe.
 */
public final class Pkcs11Config {
  /** Characters SunPKCS11's configuration parser reads back unchanged inside a quoted value. */
  private static final Pattern SAFE_LIBRARY_PATH = Pattern.compile("[A-Za-z0-9 ._/+~:@,=-]+");
  private static final Pattern MECHANISM = Pattern.compile("CKM_[A-Z0-9_]+");

  private final Path library;
  private final String tokenLabel;
  private final int slotListIndex;
  private final Supplier<char[]> pin;
  private final Set<String> disabledMechanisms;

  private Pkcs11Config(Builder b) {
    this.library = b.library;
    this.tokenLabel = b.tokenLabel;
    this.slotListIndex = b.slotListIndex;
    this.pin = b.pin;
    this.disabledMechanisms = Set.copyOf(b.disabledMechanisms);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The PKCS#11 library (an absolute path). */
  public Path library() {
    return library;
  }

  /** The token's label, if the token is selected by label. */
  public Optional<String> tokenLabel() {
    return Optional.ofNullable(tokenLabel);
  }

  /** The slot list index, if the token is selected by position. */
  public OptionalInt slotListIndex() {
    return slotListIndex < 0 ? OptionalInt.empty() : OptionalInt.of(slotListIndex);
  }

  Supplier<char[]> pin() {
    return pin;
  }

  /** Mechanisms SunPKCS11 is told not to use on this token (tests simulate limited tokens with it). */
  Set<String> disabledMechanisms() {
    return disabledMechanisms;
  }

  /** How the token is selected, for messages: {@code token 'x'} or {@code slot list index n}. */
  String tokenDescription() {
    return tokenLabel != null ? "token '" + tokenLabel + "'" : "token at slot list index " + slotListIndex;
  }

  /** Shows the library and the token selection; never the PIN. */
  @Override
  public String toString() {
    return "Pkcs11Config[library=" + library + ", "
        + (tokenLabel != null ? "tokenLabel='" + tokenLabel + "'" : "slotListIndex=" + slotListIndex)
        + ", pin=(supplier)]";
  }

  /** Configures a {@link Pkcs11Config}: library, pin and exactly one of tokenLabel or slotListIndex. */
  public static final class Builder {
    private Path library;
    private String tokenLabel;
    private int slotListIndex = -1;
    private Supplier<char[]> pin;
    private final Set<String> disabledMechanisms = new LinkedHashSet<>();

    private Builder() {}

    /**
     * The token vendor's PKCS#11 library, an absolute path (SunPKCS11 refuses relative ones to
     * prevent library preloading attacks), e.g. {@code /usr/lib/softhsm/libsofthsm2.so}.
     */
    public Builder library(Path library) {
      Objects.requireNonNull(library, "library");
      if (this.library != null) {
        throw new IllegalStateException("library was already set");
      }
      if (!library.isAbsolute()) {
        throw new IllegalArgumentException("the PKCS#11 library path must be absolute: " + library);
      }
      String s = library.toString();
      if (!SAFE_LIBRARY_PATH.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "the PKCS#11 library path " + s + " has characters the SunPKCS11 configuration cannot"
                + " express (allowed: letters, digits, space and ._/+~:@,=-); link it from a plain path");
      }
      this.library = library;
      return this;
    }

    /** Selects the token by its label (exact match after removing the label's blank padding). */
    public Builder tokenLabel(String label) {
      Objects.requireNonNull(label, "label");
      if (tokenLabel != null) {
        throw new IllegalStateException("tokenLabel was already set");
      }
      if (label.isEmpty() || label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
        throw new IllegalArgumentException(
            "a PKCS#11 token label has 1 to 32 bytes of UTF-8, not " + label.length() + " characters");
      }
      this.tokenLabel = label;
      return this;
    }

    /** Selects the token by its position in the library's slot list (0-based). */
    public Builder slotListIndex(int index) {
      if (index < 0) {
        throw new IllegalArgumentException("slot list index cannot be negative: " + index);
      }
      if (slotListIndex >= 0) {
        throw new IllegalStateException("slotListIndex was already set");
      }
      this.slotListIndex = index;
      return this;
    }

    /**
     * Supplies the user PIN when the token is opened. Each call must return a fresh array, which
     * is zeroed after login.
     */
    public Builder pin(Supplier<char[]> pin) {
      Objects.requireNonNull(pin, "pin");
      if (this.pin != null) {
        throw new IllegalStateException("pin was already set");
      }
      this.pin = pin;
      return this;
    }

    /** Tells SunPKCS11 not to use {@code mechanism} (e.g. {@code CKM_AES_GCM}) on this token. */
    Builder disableMechanism(String mechanism) {
      if (!MECHANISM.matcher(mechanism).matches()) {
        throw new IllegalArgumentException("not a PKCS#11 mechanism name: " + mechanism);
      }
      disabledMechanisms.add(mechanism);
      return this;
    }

    /**
     * @throws IllegalStateException if library or pin is missing, or not exactly one of tokenLabel
     *     and slotListIndex is set
     */
    public Pkcs11Config build() {
      if (library == null || pin == null) {
        throw new IllegalStateException("a PKCS#11 configuration needs library and pin");
      }
      if ((tokenLabel == null) == (slotListIndex < 0)) {
        throw new IllegalStateException(
            "select the token by exactly one of tokenLabel (preferred) or slotListIndex");
      }
      return new Pkcs11Config(this);
    }
  }
}
