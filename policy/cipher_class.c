/*
 * NAME
 *	cipher_class -- classes of TLS cipher suites, from OpenSSL suite names
 *
 * SYNOPSIS
 *	#include "cipher_class.h"
 *
 *	unsigned cipher_classify(const char *openssl_name);
 *	int cipher_class_known(const char *openssl_name);
 *	int cipher_class_parse(const char *name, unsigned *bit);
 *	const char *cipher_class_name(unsigned bit);
 *
 * DESCRIPTION
 *	cipher_classify() first looks the name up, case-sensitively, in a
 *	sorted table (binary search) of every suite that Debian 12's OpenSSL
 *	3.0 lists for "ALL:COMPLEMENTOFALL:@SECLEVEL=0", plus the suites
 *	that older OpenSSL releases name: static ECDH/DH, 3DES, RC4, single
 *	DES, SEED, IDEA, RC2, export, Kerberos, PSK and SRP variants and the
 *	SSLv2 names. The masks in the table follow OpenSSL's own description
 *	of each suite ("openssl ciphers -v"):
 *
 *	Enc AESGCM, AESCCM, AESCCM8, CHACHA20/POLY1305, ARIAGCM: aead.
 *	Enc AES, Camellia, ARIA, SEED, IDEA, RC2: cbc.
 *	Enc 3DES: 3des and cbc. Enc DES: des and cbc. Enc RC4: rc4.
 *	Enc None: null. "export" suites: export.
 *	Mac SHA1 or MD5: sha1-mac.
 *	Kx ECDH, DH (OpenSSL writes these for ECDHE and DHE), ECDHEPSK,
 *	DHEPSK, SRP and "any" (TLS 1.3): forward secret. Everything else
 *	(RSA, PSK, RSAPSK, KRB5, static ECDH/x and DH/x): no-pfs.
 *
 *	Names not in the table (other libraries, future suites, other case)
 *	are classified from their components, split at "-", "_" and ":" and
 *	compared case-insensitively: DES-CBC3, 3DES, DES-EDE give 3des and
 *	cbc; DES alone des and cbc; RC4/ARCFOUR rc4; NULL null; EXP* export;
 *	GCM, CCM, CHACHA20, POLY1305 aead; AES, CAMELLIA, ARIA, SEED, IDEA,
 *	RC2, CBC cbc. The last hash component SHA, SHA1 or MD5 (not in an
 *	AEAD suite) gives sha1-mac. A key exchange component ECDHE, DHE, EDH,
 *	EECDH, ADH, AECDH, SRP or DH/ECDH with "anon" before the cipher is
 *	forward secret, as is a TLS 1.3 name ("TLS_..." without "_WITH_",
 *	"TLS13-..."); anything else gets no-pfs. A name with no recognisable
 *	cipher component is unknown and gets 0.
 *
 *	cipher_class_known() returns 1 when the name is in the table, else 0
 *	(used by tests, and to say "classes guessed" in explanations).
 *
 *	cipher_class_parse() and cipher_class_name() convert between the
 *	policy's class names and CIPHER_CLASS_* bits. Class names compare
 *	ASCII case-insensitively.
 *
 *	No function here allocates, locks or writes global state.
 *
 * DIAGNOSTICS
 *	cipher_class_parse() returns -1 for an unknown class name.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cipher_class.h"

#define C_3DES  CIPHER_CLASS_3DES
#define C_RC4   CIPHER_CLASS_RC4
#define C_DES   CIPHER_CLASS_DES
#define C_NULL  CIPHER_CLASS_NULL
#define C_EXP   CIPHER_CLASS_EXPORT
#define C_CBC   CIPHER_CLASS_CBC
#define C_AEAD  CIPHER_CLASS_AEAD
#define C_NOPFS CIPHER_CLASS_NO_PFS
#define C_SHA1  CIPHER_CLASS_SHA1_MAC

struct suite {
	const char *name;
	unsigned classes;
};

/* Sorted by strcmp() order: cipher_classify() searches it with bsearch. */
static const struct suite suites[] = {
    {"ADH-AES128-GCM-SHA256", C_AEAD},
    {"ADH-AES128-SHA", C_CBC | C_SHA1},
    {"ADH-AES128-SHA256", C_CBC},
    {"ADH-AES256-GCM-SHA384", C_AEAD},
    {"ADH-AES256-SHA", C_CBC | C_SHA1},
    {"ADH-AES256-SHA256", C_CBC},
    {"ADH-CAMELLIA128-SHA", C_CBC | C_SHA1},
    {"ADH-CAMELLIA128-SHA256", C_CBC},
    {"ADH-CAMELLIA256-SHA", C_CBC | C_SHA1},
    {"ADH-CAMELLIA256-SHA256", C_CBC},
    {"ADH-DES-CBC-SHA", C_DES | C_CBC | C_SHA1},
    {"ADH-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"ADH-RC4-MD5", C_RC4 | C_SHA1},
    {"ADH-SEED-SHA", C_CBC | C_SHA1},
    {"AECDH-AES128-SHA", C_CBC | C_SHA1},
    {"AECDH-AES256-SHA", C_CBC | C_SHA1},
    {"AECDH-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"AECDH-NULL-SHA", C_NULL | C_SHA1},
    {"AECDH-RC4-SHA", C_RC4 | C_SHA1},
    {"AES128-CCM", C_AEAD | C_NOPFS},
    {"AES128-CCM8", C_AEAD | C_NOPFS},
    {"AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"AES128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"AES128-SHA256", C_CBC | C_NOPFS},
    {"AES256-CCM", C_AEAD | C_NOPFS},
    {"AES256-CCM8", C_AEAD | C_NOPFS},
    {"AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"AES256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"AES256-SHA256", C_CBC | C_NOPFS},
    {"ARIA128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"ARIA256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"CAMELLIA128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"CAMELLIA128-SHA256", C_CBC | C_NOPFS},
    {"CAMELLIA256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"CAMELLIA256-SHA256", C_CBC | C_NOPFS},
    {"DES-CBC-MD5", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"DES-CBC-SHA", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"DES-CBC3-MD5", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"DH-DSS-AES128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-AES128-SHA256", C_CBC | C_NOPFS},
    {"DH-DSS-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"DH-DSS-AES256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-AES256-SHA256", C_CBC | C_NOPFS},
    {"DH-DSS-CAMELLIA128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-CAMELLIA256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-DES-CBC-SHA", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"DH-DSS-SEED-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"DH-RSA-AES128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-AES128-SHA256", C_CBC | C_NOPFS},
    {"DH-RSA-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"DH-RSA-AES256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-AES256-SHA256", C_CBC | C_NOPFS},
    {"DH-RSA-CAMELLIA128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-CAMELLIA256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-DES-CBC-SHA", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"DH-RSA-SEED-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"DHE-DSS-AES128-GCM-SHA256", C_AEAD},
    {"DHE-DSS-AES128-SHA", C_CBC | C_SHA1},
    {"DHE-DSS-AES128-SHA256", C_CBC},
    {"DHE-DSS-AES256-GCM-SHA384", C_AEAD},
    {"DHE-DSS-AES256-SHA", C_CBC | C_SHA1},
    {"DHE-DSS-AES256-SHA256", C_CBC},
    {"DHE-DSS-ARIA128-GCM-SHA256", C_AEAD},
    {"DHE-DSS-ARIA256-GCM-SHA384", C_AEAD},
    {"DHE-DSS-CAMELLIA128-SHA", C_CBC | C_SHA1},
    {"DHE-DSS-CAMELLIA128-SHA256", C_CBC},
    {"DHE-DSS-CAMELLIA256-SHA", C_CBC | C_SHA1},
    {"DHE-DSS-CAMELLIA256-SHA256", C_CBC},
    {"DHE-DSS-DES-CBC-SHA", C_DES | C_CBC | C_SHA1},
    {"DHE-DSS-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"DHE-DSS-RC4-SHA", C_RC4 | C_SHA1},
    {"DHE-DSS-SEED-SHA", C_CBC | C_SHA1},
    {"DHE-PSK-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_SHA1},
    {"DHE-PSK-AES128-CBC-SHA", C_CBC | C_SHA1},
    {"DHE-PSK-AES128-CBC-SHA256", C_CBC},
    {"DHE-PSK-AES128-CCM", C_AEAD},
    {"DHE-PSK-AES128-CCM8", C_AEAD},
    {"DHE-PSK-AES128-GCM-SHA256", C_AEAD},
    {"DHE-PSK-AES256-CBC-SHA", C_CBC | C_SHA1},
    {"DHE-PSK-AES256-CBC-SHA384", C_CBC},
    {"DHE-PSK-AES256-CCM", C_AEAD},
    {"DHE-PSK-AES256-CCM8", C_AEAD},
    {"DHE-PSK-AES256-GCM-SHA384", C_AEAD},
    {"DHE-PSK-ARIA128-GCM-SHA256", C_AEAD},
    {"DHE-PSK-ARIA256-GCM-SHA384", C_AEAD},
    {"DHE-PSK-CAMELLIA128-SHA256", C_CBC},
    {"DHE-PSK-CAMELLIA256-SHA384", C_CBC},
    {"DHE-PSK-CHACHA20-POLY1305", C_AEAD},
    {"DHE-PSK-NULL-SHA", C_NULL | C_SHA1},
    {"DHE-PSK-NULL-SHA256", C_NULL},
    {"DHE-PSK-NULL-SHA384", C_NULL},
    {"DHE-PSK-RC4-SHA", C_RC4 | C_SHA1},
    {"DHE-RSA-AES128-CCM", C_AEAD},
    {"DHE-RSA-AES128-CCM8", C_AEAD},
    {"DHE-RSA-AES128-GCM-SHA256", C_AEAD},
    {"DHE-RSA-AES128-SHA", C_CBC | C_SHA1},
    {"DHE-RSA-AES128-SHA256", C_CBC},
    {"DHE-RSA-AES256-CCM", C_AEAD},
    {"DHE-RSA-AES256-CCM8", C_AEAD},
    {"DHE-RSA-AES256-GCM-SHA384", C_AEAD},
    {"DHE-RSA-AES256-SHA", C_CBC | C_SHA1},
    {"DHE-RSA-AES256-SHA256", C_CBC},
    {"DHE-RSA-ARIA128-GCM-SHA256", C_AEAD},
    {"DHE-RSA-ARIA256-GCM-SHA384", C_AEAD},
    {"DHE-RSA-CAMELLIA128-SHA", C_CBC | C_SHA1},
    {"DHE-RSA-CAMELLIA128-SHA256", C_CBC},
    {"DHE-RSA-CAMELLIA256-SHA", C_CBC | C_SHA1},
    {"DHE-RSA-CAMELLIA256-SHA256", C_CBC},
    {"DHE-RSA-CHACHA20-POLY1305", C_AEAD},
    {"DHE-RSA-DES-CBC-SHA", C_DES | C_CBC | C_SHA1},
    {"DHE-RSA-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"DHE-RSA-SEED-SHA", C_CBC | C_SHA1},
    {"ECDH-ECDSA-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"ECDH-ECDSA-AES128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-ECDSA-AES128-SHA256", C_CBC | C_NOPFS},
    {"ECDH-ECDSA-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"ECDH-ECDSA-AES256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-ECDSA-AES256-SHA384", C_CBC | C_NOPFS},
    {"ECDH-ECDSA-CAMELLIA128-SHA256", C_CBC | C_NOPFS},
    {"ECDH-ECDSA-CAMELLIA256-SHA384", C_CBC | C_NOPFS},
    {"ECDH-ECDSA-DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-ECDSA-NULL-SHA", C_NULL | C_NOPFS | C_SHA1},
    {"ECDH-ECDSA-RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"ECDH-RSA-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"ECDH-RSA-AES128-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-RSA-AES128-SHA256", C_CBC | C_NOPFS},
    {"ECDH-RSA-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"ECDH-RSA-AES256-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-RSA-AES256-SHA384", C_CBC | C_NOPFS},
    {"ECDH-RSA-CAMELLIA128-SHA256", C_CBC | C_NOPFS},
    {"ECDH-RSA-CAMELLIA256-SHA384", C_CBC | C_NOPFS},
    {"ECDH-RSA-DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"ECDH-RSA-NULL-SHA", C_NULL | C_NOPFS | C_SHA1},
    {"ECDH-RSA-RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"ECDHE-ARIA128-GCM-SHA256", C_AEAD},
    {"ECDHE-ARIA256-GCM-SHA384", C_AEAD},
    {"ECDHE-ECDSA-AES128-CCM", C_AEAD},
    {"ECDHE-ECDSA-AES128-CCM8", C_AEAD},
    {"ECDHE-ECDSA-AES128-GCM-SHA256", C_AEAD},
    {"ECDHE-ECDSA-AES128-SHA", C_CBC | C_SHA1},
    {"ECDHE-ECDSA-AES128-SHA256", C_CBC},
    {"ECDHE-ECDSA-AES256-CCM", C_AEAD},
    {"ECDHE-ECDSA-AES256-CCM8", C_AEAD},
    {"ECDHE-ECDSA-AES256-GCM-SHA384", C_AEAD},
    {"ECDHE-ECDSA-AES256-SHA", C_CBC | C_SHA1},
    {"ECDHE-ECDSA-AES256-SHA384", C_CBC},
    {"ECDHE-ECDSA-ARIA128-GCM-SHA256", C_AEAD},
    {"ECDHE-ECDSA-ARIA256-GCM-SHA384", C_AEAD},
    {"ECDHE-ECDSA-CAMELLIA128-SHA256", C_CBC},
    {"ECDHE-ECDSA-CAMELLIA256-SHA384", C_CBC},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", C_AEAD},
    {"ECDHE-ECDSA-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"ECDHE-ECDSA-NULL-SHA", C_NULL | C_SHA1},
    {"ECDHE-ECDSA-RC4-SHA", C_RC4 | C_SHA1},
    {"ECDHE-PSK-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_SHA1},
    {"ECDHE-PSK-AES128-CBC-SHA", C_CBC | C_SHA1},
    {"ECDHE-PSK-AES128-CBC-SHA256", C_CBC},
    {"ECDHE-PSK-AES256-CBC-SHA", C_CBC | C_SHA1},
    {"ECDHE-PSK-AES256-CBC-SHA384", C_CBC},
    {"ECDHE-PSK-CAMELLIA128-SHA256", C_CBC},
    {"ECDHE-PSK-CAMELLIA256-SHA384", C_CBC},
    {"ECDHE-PSK-CHACHA20-POLY1305", C_AEAD},
    {"ECDHE-PSK-NULL-SHA", C_NULL | C_SHA1},
    {"ECDHE-PSK-NULL-SHA256", C_NULL},
    {"ECDHE-PSK-NULL-SHA384", C_NULL},
    {"ECDHE-PSK-RC4-SHA", C_RC4 | C_SHA1},
    {"ECDHE-RSA-AES128-GCM-SHA256", C_AEAD},
    {"ECDHE-RSA-AES128-SHA", C_CBC | C_SHA1},
    {"ECDHE-RSA-AES128-SHA256", C_CBC},
    {"ECDHE-RSA-AES256-GCM-SHA384", C_AEAD},
    {"ECDHE-RSA-AES256-SHA", C_CBC | C_SHA1},
    {"ECDHE-RSA-AES256-SHA384", C_CBC},
    {"ECDHE-RSA-CAMELLIA128-SHA256", C_CBC},
    {"ECDHE-RSA-CAMELLIA256-SHA384", C_CBC},
    {"ECDHE-RSA-CHACHA20-POLY1305", C_AEAD},
    {"ECDHE-RSA-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"ECDHE-RSA-NULL-SHA", C_NULL | C_SHA1},
    {"ECDHE-RSA-RC4-SHA", C_RC4 | C_SHA1},
    {"EDH-DSS-DES-CBC-SHA", C_DES | C_CBC | C_SHA1},
    {"EDH-DSS-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"EDH-RSA-DES-CBC-SHA", C_DES | C_CBC | C_SHA1},
    {"EDH-RSA-DES-CBC3-SHA", C_3DES | C_CBC | C_SHA1},
    {"EXP-ADH-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_SHA1},
    {"EXP-ADH-RC4-MD5", C_RC4 | C_EXP | C_SHA1},
    {"EXP-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-EDH-DSS-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_SHA1},
    {"EXP-EDH-RSA-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_SHA1},
    {"EXP-KRB5-DES-CBC-MD5", C_DES | C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-KRB5-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-KRB5-RC2-CBC-MD5", C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-KRB5-RC2-CBC-SHA", C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-KRB5-RC4-MD5", C_RC4 | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-KRB5-RC4-SHA", C_RC4 | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-RC2-CBC-MD5", C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP-RC4-MD5", C_RC4 | C_EXP | C_NOPFS | C_SHA1},
    {"EXP1024-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP1024-DHE-DSS-DES-CBC-SHA", C_DES | C_CBC | C_EXP | C_SHA1},
    {"EXP1024-DHE-DSS-RC4-SHA", C_RC4 | C_EXP | C_SHA1},
    {"EXP1024-RC2-CBC-MD5", C_CBC | C_EXP | C_NOPFS | C_SHA1},
    {"EXP1024-RC4-MD5", C_RC4 | C_EXP | C_NOPFS | C_SHA1},
    {"EXP1024-RC4-SHA", C_RC4 | C_EXP | C_NOPFS | C_SHA1},
    {"IDEA-CBC-MD5", C_CBC | C_NOPFS | C_SHA1},
    {"IDEA-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-DES-CBC-MD5", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-DES-CBC-SHA", C_DES | C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-DES-CBC3-MD5", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-DES-CBC3-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-IDEA-CBC-MD5", C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-IDEA-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"KRB5-RC4-MD5", C_RC4 | C_NOPFS | C_SHA1},
    {"KRB5-RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"NULL-MD5", C_NULL | C_NOPFS | C_SHA1},
    {"NULL-SHA", C_NULL | C_NOPFS | C_SHA1},
    {"NULL-SHA256", C_NULL | C_NOPFS},
    {"PSK-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"PSK-AES128-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"PSK-AES128-CBC-SHA256", C_CBC | C_NOPFS},
    {"PSK-AES128-CCM", C_AEAD | C_NOPFS},
    {"PSK-AES128-CCM8", C_AEAD | C_NOPFS},
    {"PSK-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"PSK-AES256-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"PSK-AES256-CBC-SHA384", C_CBC | C_NOPFS},
    {"PSK-AES256-CCM", C_AEAD | C_NOPFS},
    {"PSK-AES256-CCM8", C_AEAD | C_NOPFS},
    {"PSK-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"PSK-ARIA128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"PSK-ARIA256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"PSK-CAMELLIA128-SHA256", C_CBC | C_NOPFS},
    {"PSK-CAMELLIA256-SHA384", C_CBC | C_NOPFS},
    {"PSK-CHACHA20-POLY1305", C_AEAD | C_NOPFS},
    {"PSK-NULL-SHA", C_NULL | C_NOPFS | C_SHA1},
    {"PSK-NULL-SHA256", C_NULL | C_NOPFS},
    {"PSK-NULL-SHA384", C_NULL | C_NOPFS},
    {"PSK-RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"RC2-CBC-MD5", C_CBC | C_NOPFS | C_SHA1},
    {"RC4-64-MD5", C_RC4 | C_NOPFS | C_SHA1},
    {"RC4-MD5", C_RC4 | C_NOPFS | C_SHA1},
    {"RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"RSA-PSK-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_NOPFS | C_SHA1},
    {"RSA-PSK-AES128-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"RSA-PSK-AES128-CBC-SHA256", C_CBC | C_NOPFS},
    {"RSA-PSK-AES128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"RSA-PSK-AES256-CBC-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"RSA-PSK-AES256-CBC-SHA384", C_CBC | C_NOPFS},
    {"RSA-PSK-AES256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"RSA-PSK-ARIA128-GCM-SHA256", C_AEAD | C_NOPFS},
    {"RSA-PSK-ARIA256-GCM-SHA384", C_AEAD | C_NOPFS},
    {"RSA-PSK-CAMELLIA128-SHA256", C_CBC | C_NOPFS},
    {"RSA-PSK-CAMELLIA256-SHA384", C_CBC | C_NOPFS},
    {"RSA-PSK-CHACHA20-POLY1305", C_AEAD | C_NOPFS},
    {"RSA-PSK-NULL-SHA", C_NULL | C_NOPFS | C_SHA1},
    {"RSA-PSK-NULL-SHA256", C_NULL | C_NOPFS},
    {"RSA-PSK-NULL-SHA384", C_NULL | C_NOPFS},
    {"RSA-PSK-RC4-SHA", C_RC4 | C_NOPFS | C_SHA1},
    {"SEED-SHA", C_CBC | C_NOPFS | C_SHA1},
    {"SRP-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_SHA1},
    {"SRP-AES-128-CBC-SHA", C_CBC | C_SHA1},
    {"SRP-AES-256-CBC-SHA", C_CBC | C_SHA1},
    {"SRP-DSS-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_SHA1},
    {"SRP-DSS-AES-128-CBC-SHA", C_CBC | C_SHA1},
    {"SRP-DSS-AES-256-CBC-SHA", C_CBC | C_SHA1},
    {"SRP-RSA-3DES-EDE-CBC-SHA", C_3DES | C_CBC | C_SHA1},
    {"SRP-RSA-AES-128-CBC-SHA", C_CBC | C_SHA1},
    {"SRP-RSA-AES-256-CBC-SHA", C_CBC | C_SHA1},
    {"TLS_AES_128_CCM_8_SHA256", C_AEAD},
    {"TLS_AES_128_CCM_SHA256", C_AEAD},
    {"TLS_AES_128_GCM_SHA256", C_AEAD},
    {"TLS_AES_256_GCM_SHA384", C_AEAD},
    {"TLS_CHACHA20_POLY1305_SHA256", C_AEAD},
};

#define SUITE_COUNT (sizeof(suites) / sizeof(suites[0]))

/*
 * Components of suite names for the fallback. A component matches an
 * entry exactly, or, for entries marked STEM, with any trailing digits
 * ("AES256", "CAMELLIA128", "EXP1024", "DES40"). The first entry that
 * matches wins, so "SHA" and "SHA1" are weak MACs while "SHA256" falls
 * through to the last entry.
 */
enum {
	F_3DES = 1 << 0,
	F_DES = 1 << 1,
	F_RC4 = 1 << 2,
	F_NULL = 1 << 3,
	F_EXPORT = 1 << 4,
	F_BLOCK = 1 << 5,
	F_AEAD = 1 << 6,
	F_EPHEMERAL = 1 << 7, /* ephemeral key exchange */
	F_KX_DH = 1 << 8,     /* DH or ECDH: ephemeral only with "anon" */
	F_ANON = 1 << 9,
	F_WITH = 1 << 10,      /* IANA "TLS_x_WITH_y" name */
	F_WEAK_HASH = 1 << 11, /* SHA, SHA1, MD5 */
	F_HASH = 1 << 12,      /* SHA256, SHA384, ... */
	F_STEM = 1 << 15       /* entry also matches with trailing digits */
};

#define F_CIPHER (F_3DES | F_DES | F_RC4 | F_NULL | F_BLOCK | F_AEAD)

struct component {
	const char *text;
	unsigned flags;
};

static const struct component components[] = {
    {"3DES", F_3DES},
    {"CBC3", F_3DES},
    {"DES3", F_3DES},
    {"EDE", F_3DES},
    {"EDE3", F_3DES},
    {"DES", F_DES | F_STEM},
    {"RC4", F_RC4},
    {"ARCFOUR", F_RC4 | F_STEM},
    {"NULL", F_NULL},
    {"ENULL", F_NULL},
    {"EXP", F_EXPORT | F_STEM},
    {"EXPORT", F_EXPORT | F_STEM},
    {"AES", F_BLOCK | F_STEM},
    {"CAMELLIA", F_BLOCK | F_STEM},
    {"ARIA", F_BLOCK | F_STEM},
    {"SEED", F_BLOCK},
    {"IDEA", F_BLOCK},
    {"RC2", F_BLOCK},
    {"CBC", F_BLOCK},
    {"GCM", F_AEAD},
    {"CCM", F_AEAD | F_STEM},
    {"AESGCM", F_AEAD},
    {"AESCCM", F_AEAD | F_STEM},
    {"CHACHA", F_AEAD | F_STEM},
    {"POLY", F_AEAD | F_STEM},
    {"ECDHE", F_EPHEMERAL},
    {"DHE", F_EPHEMERAL},
    {"EDH", F_EPHEMERAL},
    {"EECDH", F_EPHEMERAL},
    {"ADH", F_EPHEMERAL},
    {"AECDH", F_EPHEMERAL},
    {"SRP", F_EPHEMERAL},
    {"DH", F_KX_DH},
    {"ECDH", F_KX_DH},
    {"ANON", F_ANON},
    {"WITH", F_WITH},
    {"SHA", F_WEAK_HASH},
    {"SHA1", F_WEAK_HASH},
    {"MD5", F_WEAK_HASH},
    {"SHA", F_HASH | F_STEM},
};

static const char *const class_names[CIPHER_CLASS_COUNT] = {
    "3des", "rc4", "des", "null", "export", "cbc", "aead", "no-pfs", "sha1-mac",
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_separator(int c)
{
	return c == '-' || c == '_' || c == ':';
}

/* Returns 1 when word (NUL-terminated) equals the first len bytes of s, ignoring case. */
static int
same_word(const char *word, const char *s, size_t len)
{
	return strncasecmp(word, s, len) == 0 && word[len] == '\0';
}

/* Returns the flags of the component s[0..len), 0 when it means nothing to us. */
static unsigned
component_flags(const char *s, size_t len)
{
	size_t i, stem = len;

	while (stem > 0 && is_digit((unsigned char)s[stem - 1]))
		stem--;
	for (i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
		if (!(components[i].flags & F_STEM) && same_word(components[i].text, s, len))
			return components[i].flags;
		if ((components[i].flags & F_STEM) && stem > 0 &&
		    same_word(components[i].text, s, stem))
			return components[i].flags & ~F_STEM;
	}
	return 0;
}

/* Collects the flags of all components; key exchange only counts before the cipher. */
static unsigned
scan_components(const char *name, int *tls13)
{
	unsigned all = 0, f;
	const char *s = name, *e;
	int first = 1;

	*tls13 = 0;
	for (;;) {
		for (e = s; *e != '\0' && !is_separator((unsigned char)*e); e++)
			continue;
		if (first && (same_word("TLS", s, (size_t)(e - s)) ||
		              same_word("TLS13", s, (size_t)(e - s))))
			*tls13 = 1;
		first = 0;
		f = component_flags(s, (size_t)(e - s));
		if (all & F_CIPHER)
			f &= ~(F_EPHEMERAL | F_KX_DH | F_ANON);
		if (f & (F_WEAK_HASH | F_HASH))
			all &= ~(F_WEAK_HASH | F_HASH);
		all |= f;
		if (*e == '\0')
			break;
		s = e + 1;
	}
	if (all & F_WITH)
		*tls13 = 0;
	return all;
}

/* Classifies a name that is not in the table from its components. */
static unsigned
classify_components(const char *name)
{
	unsigned f, classes = 0;
	int tls13;

	f = scan_components(name, &tls13);
	if (!(f & F_CIPHER))
		return 0;
	if (f & F_NULL)
		classes |= C_NULL;
	else if (f & F_RC4)
		classes |= C_RC4;
	else if (f & F_AEAD)
		classes |= C_AEAD;
	else if (f & F_3DES)
		classes |= C_3DES | C_CBC;
	else if (f & F_DES)
		classes |= C_DES | C_CBC;
	else
		classes |= C_CBC;
	if (f & F_EXPORT)
		classes |= C_EXP;
	if ((f & F_WEAK_HASH) && !(classes & C_AEAD))
		classes |= C_SHA1;
	if (!tls13 && !(f & F_EPHEMERAL) && !((f & F_KX_DH) && (f & F_ANON)))
		classes |= C_NOPFS;
	return classes;
}

static int
compare_suite(const void *key, const void *member)
{
	return strcmp(key, ((const struct suite *)member)->name);
}

static const struct suite *
find_suite(const char *name)
{
	return bsearch(name, suites, SUITE_COUNT, sizeof(suites[0]), compare_suite);
}

unsigned
cipher_classify(const char *openssl_name)
{
	const struct suite *s;

	if (openssl_name == NULL || *openssl_name == '\0')
		return 0;
	if ((s = find_suite(openssl_name)) != NULL)
		return s->classes;
	return classify_components(openssl_name);
}

int
cipher_class_known(const char *openssl_name)
{
	return openssl_name != NULL && find_suite(openssl_name) != NULL;
}

int
cipher_class_parse(const char *name, unsigned *bit)
{
	unsigned i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CIPHER_CLASS_COUNT; i++) {
		if (same_word(class_names[i], name, strlen(name))) {
			*bit = 1u << i;
			return 0;
		}
	}
	return -1;
}

const char *
cipher_class_name(unsigned bit)
{
	unsigned i;

	for (i = 0; i < CIPHER_CLASS_COUNT; i++)
		if (bit == 1u << i)
			return class_names[i];
	return NULL;
}
