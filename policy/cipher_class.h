/*
 * cipher_class.h -- classes of TLS cipher suites, from OpenSSL suite names
 *
 * SYNOPSIS
 *	unsigned cipher_classify(const char *openssl_name);
 *	int cipher_class_known(const char *openssl_name);
 *	int cipher_class_parse(const char *name, unsigned *bit);
 *	const char *cipher_class_name(unsigned bit);
 *
 * DESCRIPTION
 *	cipher_classify() maps an OpenSSL cipher suite name as MTAs report it
 *	("DES-CBC3-SHA", "ECDHE-RSA-AES256-SHA", "TLS_AES_256_GCM_SHA384")
 *	to a mask of CIPHER_CLASS_* bits. Known suites come from a table;
 *	names not in the table are classified from their components. NULL or
 *	empty gives 0. It never allocates. Table look-up is case-sensitive
 *	(OpenSSL names are upper case); the component fallback is not.
 *
 *	cipher_class_known() returns 1 when the name is in the table (its
 *	classes are OpenSSL's own), 0 when cipher_classify() had to guess
 *	from the components.
 *
 *	cipher_class_parse() maps a policy class name ("3des", "rc4", "des",
 *	"null", "export", "cbc", "aead", "no-pfs", "sha1-mac") to its bit;
 *	it returns 0 on success, -1 for an unknown name.
 *
 *	cipher_class_name() is the inverse, for one bit; NULL if none.
 */
#ifndef CIPHER_CLASS_H
#define CIPHER_CLASS_H

#define CIPHER_CLASS_3DES	(1u << 0)	/* triple DES */
#define CIPHER_CLASS_RC4	(1u << 1)	/* RC4 stream cipher */
#define CIPHER_CLASS_DES	(1u << 2)	/* single DES (56 bit) */
#define CIPHER_CLASS_NULL	(1u << 3)	/* no encryption */
#define CIPHER_CLASS_EXPORT	(1u << 4)	/* export-grade (40/56 bit) */
#define CIPHER_CLASS_CBC	(1u << 5)	/* block cipher in CBC mode */
#define CIPHER_CLASS_AEAD	(1u << 6)	/* GCM, CCM, ChaCha20-Poly1305 */
#define CIPHER_CLASS_NO_PFS	(1u << 7)	/* key exchange without forward secrecy */
#define CIPHER_CLASS_SHA1_MAC	(1u << 8)	/* HMAC-SHA1 (or MD5) record MAC */
#define CIPHER_CLASS_COUNT	9

unsigned cipher_classify(const char *openssl_name);
int cipher_class_known(const char *openssl_name);
int cipher_class_parse(const char *name, unsigned *bit);
const char *cipher_class_name(unsigned bit);

#endif
