package pe.agriscore.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trust store file a risk office keeps, read strictly. */
class TrustStoreTest {

  private static final KeyPair KEY = TestKeys.p256();

  private static String pem() {
    return "\"" + Pem.publicKey(KEY.getPublic()).replace("\n", "\\n") + "\"";
  }

  private static String id() {
    return Pem.keyId(KEY.getPublic());
  }

  @Test
  void readsKeysRolesValidityAndRevocations() {
    TrustStore s = TrustStore.fromJson("{\"keys\":[{\"keyId\":\"" + id() + "\",\"owner\":\"risk\","
        + "\"roles\":[\"approver\"],\"notBefore\":\"2026-01-01T00:00:00Z\","
        + "\"notAfter\":\"2027-01-01T00:00:00Z\",\"publicKey\":" + pem() + "}],"
        + "\"revoked\":[\"" + "ab".repeat(32) + "\"]}");
    TrustedKey k = s.key(id()).orElseThrow();
    assertEquals("risk", k.owner());
    assertEquals(Set.of("approver"), k.roles());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), k.notBefore());
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), k.notAfter());
    assertTrue(s.isRevoked("ab".repeat(32)));
    assertEquals(Set.of("ab".repeat(32)), s.revoked());
  }

  private static String refused(String json) {
    return assertThrows(IllegalArgumentException.class, () -> TrustStore.fromJson(json))
        .getMessage();
  }

  @Test
  void refusesWhatItCannotTrustWithAMessageNamingTheEntry() {
    assertEquals("keys[0]: 'keyId' " + "00".repeat(32) + " is not the id of its publicKey ("
        + id() + ")", refused("{\"keys\":[{\"keyId\":\"" + "00".repeat(32) + "\",\"owner\":\"o\","
        + "\"roles\":[\"trainer\"],\"publicKey\":" + pem() + "}]}"));
    assertEquals("keys[0]: 'roles' must be an array of strings", refused(
        "{\"keys\":[{\"owner\":\"o\",\"roles\":\"trainer\",\"publicKey\":" + pem() + "}]}"));
    assertEquals("keys[0]: a trusted key needs at least one non-blank role", refused(
        "{\"keys\":[{\"owner\":\"o\",\"roles\":[],\"publicKey\":" + pem() + "}]}"));
    assertTrue(refused("{\"keys\":[{\"owner\":\"o\",\"roles\":[\"t\"],\"notAfter\":\"soon\","
        + "\"publicKey\":" + pem() + "}]}").startsWith("keys[0]: 'notAfter' must be an ISO-8601"));
    assertTrue(refused("{\"keys\":[],\"trusted\":true}").contains("unknown property 'trusted'"));
    assertTrue(refused("{\"keys\":[{\"owner\":\"o\",\"roles\":[\"t\"],\"publicKey\":\"x\"}]}")
        .startsWith("keys[0]: no '-----BEGIN PUBLIC KEY-----'"));
    assertTrue(refused("{\"keys\":[],\"revoked\":[\"nope\"]}").contains("64 lower-case hex"));
    assertTrue(refused("[]").contains("a JSON object with 'keys'"));
  }

  @Test
  void anRsaKeyIsRefused() {
    java.security.KeyPair rsa;
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      rsa = g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    String rsaPem = Pem.publicKey(rsa.getPublic());
    assertThrows(IllegalArgumentException.class, () -> Pem.readPublicKey(rsaPem));
  }
}
