package pe.agriscore.trust;

import java.time.Instant;

/**
 * What a signature file says about itself, read without verifying anything ({@link
 * OmsSignatures#claims}): for inspection only, never for a trust decision.
 *
 * @param file the signature file
 * @param keyId the key id the file names (its hint, or the id of its {@code rawBytes} key)
 * @param subject the statement's subject name
 * @param role the role claimed, or {@code null}
 * @param signedAt the signing time claimed, or {@code null}
 * @param files how many files the statement lists
 */
public record SignatureClaims(String file, String keyId, String subject, String role,
    Instant signedAt, int files) {}
