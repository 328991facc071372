package dev.envelope.pkcs11;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * A self-signed X.509 certificate for an RSA key pair in a token, signed inside the token. The
 * SunPKCS11 key store shows a private key only together with a certificate of the same {@code
 * CKA_ID}, so a key pair needs one to be found by label (as {@code keytool -genkeypair} does). The
 * certificate carries nothing but the public key and the label as its common name; nobody is meant
 * to trust it.
 */
final class SelfSignedCertificate {
  private static final Duration VALIDITY = Duration.ofDays(100L * 365);

  private SelfSignedCertificate() {}

  static X509Certificate create(String label, KeyPair pair, Provider tokenProvider, SecureRandom random)
      throws GeneralSecurityException {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, label).build();
    AlgorithmIdentifier sha256WithRsa =
        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    Instant now = Instant.now();
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(new BigInteger(127, random).add(BigInteger.ONE)));
    tbs.setIssuer(name);
    tbs.setSubject(name);
    tbs.setSignature(sha256WithRsa);
    tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofMinutes(5)))));
    tbs.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
    tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()));
    TBSCertificate toSign = tbs.generateTBSCertificate();
    try {
      Signature signer = Signature.getInstance("SHA256withRSA", tokenProvider);
      signer.initSign(pair.getPrivate());
      signer.update(toSign.getEncoded(ASN1Encoding.DER));
      ASN1EncodableVector cert = new ASN1EncodableVector();
      cert.add(toSign);
      cert.add(sha256WithRsa);
      cert.add(new DERBitString(signer.sign()));
      byte[] der = new DERSequence(cert).getEncoded(ASN1Encoding.DER);
      X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      parsed.verify(parsed.getPublicKey());
      return parsed;
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot encode the certificate", e);
    }
  }
}
