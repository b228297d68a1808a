/* A certificate inspector as admin tools and mail clients write one: certificates read as PEM
 * (from a FILE and through a file BIO) and as DER, names printed whole and entry by entry,
 * serial, version, dates, subject alternative names, host and address checks, fingerprint, the
 * public and private keys; then the small crypto such programs do beside TLS: digests, the
 * HMAC of a CRAM-MD5 login, random bytes, a hex dump.
 * usage: cert_tool CERTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static BIO *out;
static char dir[512];

static const char *path(const char *name)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static void hex(const unsigned char *data, unsigned int len)
{
    unsigned int i;

    for (i = 0; i < len; i++)
        BIO_printf(out, "%02X%s", data[i], i + 1 < len ? ":" : "");
    BIO_printf(out, "\n");
}

static void print_names(X509 *cert)
{
    X509_NAME *subject = X509_get_subject_name(cert);
    X509_NAME_ENTRY *entry;
    ASN1_STRING *data;
    char cn[256];
    int i, nid;

    BIO_printf(out, "  subject: ");
    X509_NAME_print_ex(out, subject, 0, XN_FLAG_ONELINE);
    BIO_printf(out, "\n  issuer: ");
    X509_NAME_print_ex(out, X509_get_issuer_name(cert), 0, XN_FLAG_ONELINE);
    BIO_printf(out, "\n");
    for (i = 0; i < X509_NAME_entry_count(subject); i++) {
        entry = X509_NAME_get_entry(subject, i);
        data = X509_NAME_ENTRY_get_data(entry);
        nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
        BIO_printf(out, "  entry %d: %s (%s) = %.*s\n", i, OBJ_nid2sn(nid), OBJ_nid2ln(nid),
                   ASN1_STRING_length(data), (const char *)ASN1_STRING_get0_data(data));
    }
    if (X509_NAME_get_text_by_NID(subject, NID_commonName, cn, sizeof(cn)) >= 0)
        BIO_printf(out, "  common name: %s\n", cn);
}

static void print_sans(X509 *cert)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    const GENERAL_NAME *name;
    const unsigned char *ip;
    int i, j, len;

    if (names == NULL) {
        BIO_printf(out, "  no subject alternative names\n");
        return;
    }
    for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        name = sk_GENERAL_NAME_value(names, i);
        switch (name->type) {
        case GEN_DNS:
            BIO_printf(out, "  DNS:%s\n", (const char *)ASN1_STRING_get0_data(name->d.dNSName));
            break;
        case GEN_EMAIL:
            BIO_printf(out, "  email:%s\n", (const char *)ASN1_STRING_get0_data(name->d.rfc822Name));
            break;
        case GEN_URI:
            BIO_printf(out, "  URI:%s\n",
                       (const char *)ASN1_STRING_get0_data(name->d.uniformResourceIdentifier));
            break;
        case GEN_IPADD:
            ip = ASN1_STRING_get0_data(name->d.iPAddress);
            len = ASN1_STRING_length(name->d.iPAddress);
            BIO_printf(out, "  IP (%d bytes):", len);
            for (j = 0; j < len; j++)
                BIO_printf(out, " %d", ip[j]);
            BIO_printf(out, "\n");
            break;
        default:
            BIO_printf(out, "  other name type %d\n", name->type);
        }
    }
    GENERAL_NAMES_free(names);
}

static void print_cert(const char *label, X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len;
    EVP_PKEY *key;
    char group[80];
    size_t group_len;

    BIO_printf(out, "%s: version %ld, serial ", label, X509_get_version(cert) + 1);
    i2a_ASN1_INTEGER(out, X509_get_serialNumber(cert));
    BIO_printf(out, "\n");
    print_names(cert);
    BIO_printf(out, "  not before: ");
    ASN1_TIME_print(out, X509_get0_notBefore(cert));
    BIO_printf(out, "\n  not after: ");
    ASN1_TIME_print(out, X509_get0_notAfter(cert));
    BIO_printf(out, "\n  extensions: %d\n", X509_get_ext_count(cert));
    print_sans(cert);
    BIO_printf(out, "  host localhost: %d, all.test: %d, www.all.test: %d; ip 127.0.0.1: %d, "
               "192.0.2.7: %d, 2001:db8::7: %d\n",
               X509_check_host(cert, "localhost", 0, 0, NULL),
               X509_check_host(cert, "all.test", 0, 0, NULL),
               X509_check_host(cert, "www.all.test", 0, 0, NULL),
               X509_check_ip_asc(cert, "127.0.0.1", 0), X509_check_ip_asc(cert, "192.0.2.7", 0),
               X509_check_ip_asc(cert, "2001:db8::7", 0));
    if (X509_digest(cert, EVP_sha256(), md, &md_len)) {
        BIO_printf(out, "  SHA256 fingerprint: ");
        hex(md, md_len);
    }
    key = X509_get_pubkey(cert);
    BIO_printf(out, "  public key: %s, %d bits", OBJ_nid2sn(EVP_PKEY_id(key)), EVP_PKEY_bits(key));
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &group_len))
        BIO_printf(out, ", group %s", group);
    BIO_printf(out, "\n");
    EVP_PKEY_free(key);
}

static void read_pem(const char *name)
{
    FILE *f = fopen(path(name), "r");
    X509 *cert;

    if (f == NULL) {
        perror(name);
        exit(1);
    }
    cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (cert == NULL) {
        BIO_printf(out, "%s: not a certificate\n", name);
        ERR_print_errors_fp(stdout);
        return;
    }
    print_cert(name, cert);
    X509_free(cert);
}

static void read_der(const char *der_name, const char *pem_name)
{
    unsigned char buf[8192], *again = NULL;
    const unsigned char *p = buf;
    FILE *f = fopen(path(der_name), "rb");
    BIO *bio;
    X509 *from_der, *from_pem;
    long len;
    int again_len;

    len = (long)fread(buf, 1, sizeof(buf), f);
    fclose(f);
    from_der = d2i_X509(NULL, &p, len);
    bio = BIO_new_file(path(pem_name), "r");
    from_pem = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    again_len = i2d_X509(from_der, &again);
    BIO_printf(out, "%s: %ld bytes, all read: %s; same as %s: %s; re-encoded identically: %s\n",
               der_name, len, p == buf + len ? "yes" : "no", pem_name,
               X509_cmp(from_der, from_pem) == 0 ? "yes" : "no",
               again_len == len && memcmp(again, buf, (size_t)len) == 0 ? "yes" : "no");
    OPENSSL_free(again);
    X509_free(from_der);
    X509_free(from_pem);
}

static void read_key(const char *name)
{
    FILE *f = fopen(path(name), "r");
    BIO *bio = BIO_new_file(path(name), "r");
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    EVP_PKEY *again = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    fclose(f);
    BIO_free(bio);
    if (key == NULL) {
        BIO_printf(out, "%s: no key\n", name);
        ERR_print_errors_fp(stdout);
    } else {
        BIO_printf(out, "%s: %s (%s), %d bits; read through a BIO too: %s\n", name,
                   OBJ_nid2sn(EVP_PKEY_id(key)), OBJ_nid2ln(EVP_PKEY_id(key)), EVP_PKEY_bits(key),
                   again != NULL && EVP_PKEY_bits(again) == EVP_PKEY_bits(key) ? "yes" : "no");
    }
    EVP_PKEY_free(key);
    EVP_PKEY_free(again);
}

static void small_crypto(void)
{
    static const char challenge[] = "<1896.697170952@postoffice.example.net>";
    static const char secret[] = "tanstaaftanstaaf";
    unsigned char md[EVP_MAX_MD_SIZE], random[32], zero[32];
    unsigned int md_len, i;
    const EVP_MD *mds[4];
    const char *names[4] = { "MD5", "SHA1", "SHA256", "SHA384" };

    mds[0] = EVP_md5();
    mds[1] = EVP_sha1();
    mds[2] = EVP_sha256();
    mds[3] = EVP_sha384();
    for (i = 0; i < 4; i++) {
        EVP_Digest("abc", 3, md, &md_len, mds[i], NULL);
        BIO_printf(out, "%s(abc), %d bytes: ", names[i], EVP_MD_size(mds[i]));
        hex(md, md_len);
    }
    /* CRAM-MD5 (RFC 2195): the response is the HMAC-MD5 of the server's challenge. */
    HMAC(EVP_md5(), secret, (int)strlen(secret), (const unsigned char *)challenge,
         strlen(challenge), md, &md_len);
    BIO_printf(out, "CRAM-MD5 response: tim ");
    for (i = 0; i < md_len; i++)
        BIO_printf(out, "%02x", md[i]);
    BIO_printf(out, "\n");

    RAND_seed("legacy programs seed the generator", 34);
    memset(random, 0, sizeof(random));
    memset(zero, 0, sizeof(zero));
    i = (unsigned int)RAND_bytes(random, sizeof(random));
    BIO_printf(out, "RAND_status %d, RAND_bytes %u, bytes changed: %s\n", RAND_status(), i,
               memcmp(random, zero, sizeof(random)) != 0 ? "yes" : "no");
    BIO_dump(out, challenge, (int)strlen(challenge));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
        return 1;
    }
    snprintf(dir, sizeof(dir), "%s", argv[1]);
    OpenSSL_add_all_algorithms();
    ERR_load_crypto_strings();
    out = BIO_new_fp(stdout, BIO_NOCLOSE);

    read_pem("san-all.pem");
    read_pem("server.pem");
    read_pem("server-rsa.pem");
    read_pem("ca.pem");
    read_pem("garbage.pem");
    read_der("server.der", "server.pem");
    read_key("server.key");
    read_key("server-rsa.key");
    read_key("server-pkcs1.key");
    read_key("server-sec1.key");
    small_crypto();
    BIO_free(out);
    return 0;
}
