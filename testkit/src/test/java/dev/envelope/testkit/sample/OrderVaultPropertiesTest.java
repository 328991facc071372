package dev.envelope.testkit.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.envelope.AuthenticationFailedException;
import dev.envelope.EncryptionContext;
import dev.envelope.Envelope;
import dev.envelope.testkit.EnvelopeAssertions;
import dev.envelope.testkit.EnvelopeContract;
import dev.envelope.testkit.arbitraries.EnvelopeArbitraries;
import dev.envelope.testkit.arbitraries.MessageSettings;
import dev.envelope.testkit.arbitraries.Tampering;
import dev.envelope.testkit.junit.KmsFixture;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * OrderVault's Envelope configuration keeps Envelope's contract (the inherited properties: round
 * trip, every tampering fails, a wrong context fails), and more properties with the kit's
 * arbitraries. jqwik does not run JUnit Jupiter extensions, so the KMS fixture is started by hand.
 */
class OrderVaultPropertiesTest extends EnvelopeContract {
  private static KmsFixture kms;

  @BeforeContainer
  static void startKms() {
    kms = KmsFixture.start();
  }

  @AfterContainer
  static void stopKms() {
    kms.close();
  }

  @Override
  protected Envelope envelope() {
    return OrderVault.envelope(kms.keyring());
  }

  /** OrderVault always binds a tenant; the contract's messages do too. */
  @Override
  protected Arbitrary<EncryptionContext> contexts() {
    return Combinators.combine(EnvelopeArbitraries.contextValues(), EnvelopeArbitraries.contexts())
        .as((tenant, more) -> more.with("tenant", tenant));
  }

  @Property
  void open_anyOrderOfAnyTenant_returnsIt(
      @ForAll("tenants") String tenant, @ForAll("orders") byte[] order) {
    OrderVault vault = new OrderVault(kms.keyring());
    byte[] sealed = vault.seal(tenant, order);

    assertArrayEquals(order, vault.open(tenant, sealed));
    assertThrows(AuthenticationFailedException.class, () -> vault.open(tenant + "-other", sealed));
  }

  @Provide
  Arbitrary<String> tenants() {
    return EnvelopeArbitraries.contextValues();
  }

  @Provide
  Arbitrary<byte[]> orders() {
    return EnvelopeArbitraries.plaintexts(Envelope.DEFAULT_FRAME_SIZE);
  }

  /** A message written with any suite and frame size, and a tampering of it. */
  record Tampered(MessageSettings settings, byte[] message, Tampering tampering, EncryptionContext context) {
    @Override
    public String toString() {
      return tampering + " of a " + message.length + "-byte message, " + settings;
    }
  }

  @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
  void decrypt_anySuiteFrameSizeAndTampering_fails(@ForAll("tampered") Tampered t) {
    Envelope reader = t.settings().envelope(kms.keyring());
    EnvelopeAssertions.assertTamperingRejected(reader, t.message(), t.tampering(), t.context());
  }

  @Provide
  Arbitrary<Tampered> tampered() {
    Arbitrary<MessageSettings> settings = Combinators.combine(EnvelopeArbitraries.suites(), EnvelopeArbitraries.frameSizes())
        .as(MessageSettings::framed);
    return Combinators.combine(settings, EnvelopeArbitraries.nonEmptyContexts()).flatAs((s, context) ->
        EnvelopeArbitraries.plaintexts(s).flatMap(plaintext -> {
          byte[] message = s.envelope(kms.keyring()).encrypt(plaintext, context);
          return EnvelopeArbitraries.tamperings(message).map(t -> new Tampered(s, message, t, context));
        }));
  }

  @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
  void decrypt_anySettingsAndWrongContext_fails(@ForAll("wrongContexts") Object[] sample) {
    MessageSettings settings = (MessageSettings) sample[0];
    EnvelopeAssertions.assertWrongContextRejected(
        settings.envelope(kms.keyring()), (byte[]) sample[1], (EncryptionContext) sample[2]);
  }

  @Provide
  Arbitrary<Object[]> wrongContexts() {
    return Combinators.combine(EnvelopeArbitraries.settings(), EnvelopeArbitraries.contexts()).flatAs((s, context) -> {
      byte[] message = s.envelope(kms.keyring()).encrypt(new byte[] {42}, context);
      return EnvelopeArbitraries.wrongContexts(context).map(wrong -> new Object[] {s, message, wrong});
    });
  }
}
