package pe.agriscore.samples.bundlecli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import pe.agriscore.authoring.BundleEncryption;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.scoring.AgriScoreException;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.KeyProviders;
import pe.agriscore.trust.OmsSignatures;
import pe.agriscore.trust.Pem;
import pe.agriscore.trust.SignatureClaims;
import pe.agriscore.trust.SignatureFiles;
import pe.agriscore.trust.TrustPolicy;
import pe.agriscore.trust.TrustReport;
import pe.agriscore.trust.TrustStore;
import pe.agriscore.trust.VerifiedSignature;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agriscore bundle keygen|sign|verify|inspect}: OMS v1.0 signatures on model bundles from
 * a shell (docs/security.md, docs/bundle-format.md#signatures).
 *
 * <pre>
 * java -jar agriscore-bundle.jar keygen --private trainer.key.pem --public trainer.pub.pem
 * java -jar agriscore-bundle.jar sign models/farmer-mlp-tf --key trainer.key.pem --public-key trainer.pub.pem --role trainer
 * java -jar agriscore-bundle.jar sign models/farmer-mlp-tf --pkcs12 approver.p12 --alias approver --password-env P12_PASSWORD --role approver
 * java -jar agriscore-bundle.jar sign models/farmer-mlp-tf --pkcs11-config softhsm.cfg --alias approver --pin-env TOKEN_PIN --role approver
 * java -jar agriscore-bundle.jar verify models/farmer-mlp-tf --trust-store trust.json --policy four-eyes
 * java -jar agriscore-bundle.jar inspect models/farmer-mlp-tf
 * java -jar agriscore-bundle.jar encrypt models/farmer-mlp-tf --kek kek-2026 --kek-secret-dir /var/run/secrets/agriscore
 * java -jar agriscore-bundle.jar rotate models/farmer-mlp-tf --kek kek-2026 --to-kek kek-2027 --kek-pkcs12 keks.p12 --password-env P12_PASSWORD
 * java -jar agriscore-bundle.jar decrypt models/farmer-mlp-tf --kek-secret-dir /var/run/secrets/agriscore
 * </pre>
 *
 * <p>Exit code 0 on success, 1 when a bundle or key is refused (the message names the file and
 * the rule), 2 for a usage error. Secrets (keystore passwords, token PINs) come from environment
 * variables, never from the command line, where other users can read them.
 */
@Command(name = "agriscore bundle", mixinStandardHelpOptions = true,
    description = "Signs, verifies and inspects AgriScore model bundles (OMS v1.0 signatures).",
    subcommands = {BundleCli.Keygen.class, BundleCli.Sign.class, BundleCli.Verify.class,
        BundleCli.Inspect.class, BundleCli.Encrypt.class, BundleCli.Decrypt.class,
        BundleCli.Rotate.class})
public final class BundleCli {

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  static int run(String... args) {
    CommandLine cl = new CommandLine(new BundleCli());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof AgriScoreException || e instanceof IllegalArgumentException
          || e instanceof IOException || e instanceof GeneralSecurityException) {
        line.getErr().println("refused: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cl.execute(args);
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Makes a P-256 key pair: a PKCS#8 private key (owner-only file) and an SPKI"
          + " public key, both PEM.")
  static final class Keygen implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--private", required = true, paramLabel = "FILE") Path privateFile;

    @Option(names = "--public", required = true, paramLabel = "FILE") Path publicFile;

    @Override
    public Integer call() throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair k = g.generateKeyPair();
      if (Files.exists(privateFile)) {
        throw new IOException(privateFile + " exists: keygen never overwrites a private key");
      }
      Files.createFile(privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(privateFile, Pem.privateKey(k.getPrivate()), StandardCharsets.US_ASCII);
      Files.writeString(publicFile, Pem.publicKey(k.getPublic()), StandardCharsets.US_ASCII);
      spec.commandLine().getOut().println("key id " + Pem.keyId(k.getPublic()));
      return 0;
    }
  }

  /** Where the signing key comes from: exactly one of PEM, PKCS#12, PKCS#11. */
  static final class KeySource {
    @ArgGroup(exclusive = false) Pem pem;
    @ArgGroup(exclusive = false) Pkcs12 pkcs12;
    @ArgGroup(exclusive = false) Pkcs11 pkcs11;

    static final class Pem {
      @Option(names = "--key", required = true, paramLabel = "FILE",
          description = "PKCS#8 PEM private key") Path key;
      @Option(names = "--public-key", required = true, paramLabel = "FILE",
          description = "its SPKI PEM public key") Path publicKey;
    }

    static final class Pkcs12 {
      @Option(names = "--pkcs12", required = true, paramLabel = "FILE") Path file;
      @Option(names = "--alias", required = true) String alias;
      @Option(names = "--password-env", required = true, paramLabel = "VAR",
          description = "environment variable holding the keystore password") String passwordEnv;
    }

    static final class Pkcs11 {
      @Option(names = "--pkcs11-config", required = true, paramLabel = "FILE",
          description = "SunPKCS11 configuration (library, slot) of the token") Path config;
      @Option(names = "--token-alias", required = true, paramLabel = "ALIAS") String alias;
      @Option(names = "--pin-env", required = true, paramLabel = "VAR",
          description = "environment variable holding the token PIN") String pinEnv;
    }

    KeyPair load() throws IOException, GeneralSecurityException {
      if (pem != null) {
        return new KeyPair(
            pe.agriscore.trust.Pem.readPublicKey(Files.readString(pem.publicKey)),
            pe.agriscore.trust.Pem.readPrivateKey(Files.readString(pem.key)));
      }
      if (pkcs12 != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] password = secret(pkcs12.passwordEnv);
        try (var in = Files.newInputStream(pkcs12.file)) {
          ks.load(in, password);
        }
        return entry(ks, pkcs12.alias, password, pkcs12.file.toString());
      }
      Provider p = Security.getProvider("SunPKCS11").configure(pkcs11.config.toString());
      // Installed, so that Signature.getInstance finds the provider that holds the token key.
      Security.addProvider(p);
      KeyStore ks = KeyStore.getInstance("PKCS11", p);
      char[] pin = secret(pkcs11.pinEnv);
      ks.load(null, pin);
      return entry(ks, pkcs11.alias, null, "the PKCS#11 token");
    }

    private static KeyPair entry(KeyStore ks, String alias, char[] password, String where)
        throws GeneralSecurityException {
      Key key = ks.getKey(alias, password);
      Certificate cert = ks.getCertificate(alias);
      if (!(key instanceof PrivateKey priv) || cert == null) {
        throw new IllegalArgumentException(where + " has no private key with a certificate"
            + " under the alias '" + alias + "'");
      }
      PublicKey pub = cert.getPublicKey();
      return new KeyPair(pub, priv);
    }

    static char[] secret(String variable) {
      String v = System.getenv(variable);
      if (v == null) {
        throw new IllegalArgumentException("the environment variable " + variable
            + " is not set");
      }
      return v.toCharArray();
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Signs a bundle directory into signatures/<key id>.sig (or --signature).")
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE_DIR") Path bundle;

    @ArgGroup(exclusive = true, multiplicity = "1") KeySource source;

    @Option(names = "--role", description = "the role claimed, e.g. trainer or approver")
    String role;

    @Option(names = "--signature", paramLabel = "PATH",
        description = "model.sig or signatures/<name>.sig (default signatures/<key id>.sig)")
    String signature;

    @Override
    public Integer call() throws Exception {
      KeyPair k = source.load();
      BundleSigner signer = BundleSigner.of(k.getPrivate(), k.getPublic()).role(role);
      Path written = signature == null ? signer.sign(bundle) : signer.sign(bundle, signature);
      spec.commandLine().getOut().println("signed " + written + " with key " + signer.keyId());
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verifies a bundle's checksums and signatures against a trust store.")
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE") Path bundle;

    @Option(names = "--trust-store", required = true, paramLabel = "FILE") Path store;

    @Option(names = "--policy", defaultValue = TrustPolicy.FOUR_EYES,
        description = "any-trusted-key or four-eyes (default)")
    String policy;

    @Override
    public Integer call() throws Exception {
      TrustStore s = TrustStore.read(store);
      TrustPolicy p = switch (policy) {
        case TrustPolicy.ANY_TRUSTED_KEY -> TrustPolicy.anyTrustedKey(s);
        case TrustPolicy.FOUR_EYES -> TrustPolicy.fourEyes(s);
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "--policy is any-trusted-key or four-eyes, not '" + policy + "'");
      };
      TrustReport r = BundleSigner.verify(bundle, p);
      PrintWriter out = spec.commandLine().getOut();
      out.println("verified under " + r.policy() + ":");
      for (VerifiedSignature v : r.signatures()) {
        out.println("  " + v.file() + "  key " + v.keyId() + "  owner " + v.owner() + "  role "
            + v.role() + "  signed at " + v.signedAt());
      }
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Lists a bundle's signature files and what they claim, verifying nothing.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE_DIR") Path bundle;

    @Override
    public Integer call() throws Exception {
      List<String> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(bundle, 2)) {
        s.filter(Files::isRegularFile)
            .map(f -> bundle.relativize(f).toString().replace(f.getFileSystem().getSeparator(),
                "/"))
            .filter(SignatureFiles::isSignature).sorted().forEach(files::add);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(bundle + ": " + files.size() + " signature file(s), unverified claims:");
      for (String f : files) {
        SignatureClaims c = OmsSignatures.claims(f, Files.readAllBytes(bundle.resolve(f)));
        out.println("  " + f + "  key " + c.keyId() + "  role " + c.role() + "  signed at "
            + c.signedAt() + "  " + c.files() + " files");
      }
      return 0;
    }
  }

  /** Where key-encryption keys come from: a mounted secret directory or a PKCS#12 keystore. */
  static final class KekSource {
    @Option(names = "--kek-secret-dir", paramLabel = "DIR",
        description = "a mounted Kubernetes secret: one file of 32 key bytes per KEK id")
    Path secretDir;

    @Option(names = "--kek-pkcs12", paramLabel = "FILE",
        description = "a PKCS#12 keystore of AES-256 secret keys, by alias")
    Path pkcs12;

    @Option(names = "--password-env", paramLabel = "VAR",
        description = "environment variable holding the PKCS#12 password or the token PIN")
    String passwordEnv;

    @Option(names = "--kek-pkcs11-config", paramLabel = "FILE",
        description = "SunPKCS11 configuration of a token holding AES-256 KEKs, by label")
    Path pkcs11;

    KeyProvider provider() throws IOException {
      int given = (secretDir == null ? 0 : 1) + (pkcs12 == null ? 0 : 1) + (pkcs11 == null ? 0 : 1);
      if (given != 1) {
        throw new IllegalArgumentException("give exactly one of --kek-secret-dir, --kek-pkcs12,"
            + " --kek-pkcs11-config");
      }
      if (secretDir != null) {
        return KeyProviders.mountedSecret(secretDir);
      }
      if (pkcs11 != null) {
        if (passwordEnv == null) {
          throw new IllegalArgumentException("--kek-pkcs11-config needs --password-env (the PIN)");
        }
        return KeyProviders.pkcs11(Security.getProvider("SunPKCS11").configure(pkcs11.toString()),
            KeySource.secret(passwordEnv));
      }
      if (passwordEnv == null) {
        throw new IllegalArgumentException("--kek-pkcs12 needs --password-env");
      }
      return KeyProviders.pkcs12(pkcs12, KeySource.secret(passwordEnv));
    }
  }

  @Command(name = "encrypt", mixinStandardHelpOptions = true,
      description = "Encrypts a bundle directory's model files, or with --all every file but"
          + " the manifest (AES-256-GCM), and re-seals it; sign afterwards.")
  static final class Encrypt implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE_DIR") Path bundle;

    @Option(names = "--kek", required = true, description = "the KEK id") String kek;

    @Option(names = "--all", description = "also encrypt the JSON files (schema, preprocessing,"
        + " scorecard, reference, golden cases); manifest.json, encryption.json, signatures and"
        + " wrapped keys stay clear") boolean all;

    @CommandLine.Mixin KekSource keys;

    @Override
    public Integer call() throws Exception {
      BundleEncryption.encrypt(bundle, keys.provider(), kek,
          all ? BundleEncryption.Scope.ALL : BundleEncryption.Scope.MODEL);
      spec.commandLine().getOut().println("encrypted " + (all ? "every file of " : "the model of ")
          + bundle + " under KEK " + kek);
      return 0;
    }
  }

  @Command(name = "decrypt", mixinStandardHelpOptions = true,
      description = "Decrypts an encrypted bundle directory in place and re-seals it.")
  static final class Decrypt implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE_DIR") Path bundle;

    @CommandLine.Mixin KekSource keys;

    @Override
    public Integer call() throws Exception {
      BundleEncryption.decrypt(bundle, keys.provider());
      spec.commandLine().getOut().println("decrypted " + bundle);
      return 0;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Re-wraps the data key under another KEK; model files and signatures stay.")
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE_DIR") Path bundle;

    @Option(names = "--kek", required = true, description = "the current KEK id") String from;

    @Option(names = "--to-kek", required = true, description = "the new KEK id") String to;

    @CommandLine.Mixin KekSource keys;

    @Override
    public Integer call() throws Exception {
      BundleEncryption.rotate(bundle, keys.provider(), from, to);
      spec.commandLine().getOut().println("re-wrapped " + bundle + " from KEK " + from + " to "
          + to);
      return 0;
    }
  }
}
