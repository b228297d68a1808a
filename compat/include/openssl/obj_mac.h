/*
 * openssl/obj_mac.h: the numeric identifiers (NIDs) and short and long names of the objects
 * this library knows: name attributes, extensions, key types, curves, digests and signature
 * algorithms. The numbers and names equal OpenSSL 3.0's; OBJ_nid2sn / OBJ_nid2ln give the
 * same text at run time.
 */
#ifndef FTLS_OPENSSL_OBJ_MAC_H
#define FTLS_OPENSSL_OBJ_MAC_H
#define OPENSSL_OBJ_MAC_H

/* Treated as a system header, as OpenSSL's installed ones are: legacy code uses macros such as
 * BIO_flush(b) as statements, which would otherwise warn (-Wunused-value) under -Werror. */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#define SN_undef "UNDEF"
#define LN_undef "undefined"
#define NID_undef 0

#define LN_rsaEncryption "rsaEncryption"
#define NID_rsaEncryption 6

#define SN_md5 "MD5"
#define LN_md5 "md5"
#define NID_md5 4

#define SN_sha1 "SHA1"
#define LN_sha1 "sha1"
#define NID_sha1 64

#define SN_sha224 "SHA224"
#define LN_sha224 "sha224"
#define NID_sha224 675

#define SN_sha256 "SHA256"
#define LN_sha256 "sha256"
#define NID_sha256 672

#define SN_sha384 "SHA384"
#define LN_sha384 "sha384"
#define NID_sha384 673

#define SN_sha512 "SHA512"
#define LN_sha512 "sha512"
#define NID_sha512 674

#define SN_md5WithRSAEncryption "RSA-MD5"
#define LN_md5WithRSAEncryption "md5WithRSAEncryption"
#define NID_md5WithRSAEncryption 8

#define SN_sha1WithRSAEncryption "RSA-SHA1"
#define LN_sha1WithRSAEncryption "sha1WithRSAEncryption"
#define NID_sha1WithRSAEncryption 65

#define SN_sha256WithRSAEncryption "RSA-SHA256"
#define LN_sha256WithRSAEncryption "sha256WithRSAEncryption"
#define NID_sha256WithRSAEncryption 668

#define SN_sha384WithRSAEncryption "RSA-SHA384"
#define LN_sha384WithRSAEncryption "sha384WithRSAEncryption"
#define NID_sha384WithRSAEncryption 669

#define SN_sha512WithRSAEncryption "RSA-SHA512"
#define LN_sha512WithRSAEncryption "sha512WithRSAEncryption"
#define NID_sha512WithRSAEncryption 670

#define SN_rsassaPss "RSASSA-PSS"
#define LN_rsassaPss "rsassaPss"
#define NID_rsassaPss 912

#define SN_X9_62_id_ecPublicKey "id-ecPublicKey"
#define NID_X9_62_id_ecPublicKey 408

#define SN_X9_62_prime256v1 "prime256v1"
#define NID_X9_62_prime256v1 415

#define SN_secp384r1 "secp384r1"
#define NID_secp384r1 715

#define SN_secp521r1 "secp521r1"
#define NID_secp521r1 716

#define SN_ecdsa_with_SHA1 "ecdsa-with-SHA1"
#define NID_ecdsa_with_SHA1 416

#define SN_ecdsa_with_SHA256 "ecdsa-with-SHA256"
#define NID_ecdsa_with_SHA256 794

#define SN_ecdsa_with_SHA384 "ecdsa-with-SHA384"
#define NID_ecdsa_with_SHA384 795

#define SN_ecdsa_with_SHA512 "ecdsa-with-SHA512"
#define NID_ecdsa_with_SHA512 796

#define SN_ED25519 "ED25519"
#define NID_ED25519 1087

#define SN_ED448 "ED448"
#define NID_ED448 1088

#define SN_X25519 "X25519"
#define NID_X25519 1034

#define SN_X448 "X448"
#define NID_X448 1035

#define SN_commonName "CN"
#define LN_commonName "commonName"
#define NID_commonName 13

#define SN_countryName "C"
#define LN_countryName "countryName"
#define NID_countryName 14

#define SN_localityName "L"
#define LN_localityName "localityName"
#define NID_localityName 15

#define SN_stateOrProvinceName "ST"
#define LN_stateOrProvinceName "stateOrProvinceName"
#define NID_stateOrProvinceName 16

#define SN_organizationName "O"
#define LN_organizationName "organizationName"
#define NID_organizationName 17

#define SN_organizationalUnitName "OU"
#define LN_organizationalUnitName "organizationalUnitName"
#define NID_organizationalUnitName 18

#define LN_pkcs9_emailAddress "emailAddress"
#define NID_pkcs9_emailAddress 48

#define LN_serialNumber "serialNumber"
#define NID_serialNumber 105

#define SN_surname "SN"
#define LN_surname "surname"
#define NID_surname 100

#define SN_givenName "GN"
#define LN_givenName "givenName"
#define NID_givenName 99

#define SN_title "title"
#define LN_title "title"
#define NID_title 106

#define SN_initials "initials"
#define LN_initials "initials"
#define NID_initials 101

#define LN_generationQualifier "generationQualifier"
#define NID_generationQualifier 509

#define SN_dnQualifier "dnQualifier"
#define LN_dnQualifier "dnQualifier"
#define NID_dnQualifier 174

#define LN_pseudonym "pseudonym"
#define NID_pseudonym 510

#define SN_domainComponent "DC"
#define LN_domainComponent "domainComponent"
#define NID_domainComponent 391

#define SN_userId "UID"
#define LN_userId "userId"
#define NID_userId 458

#define SN_streetAddress "street"
#define LN_streetAddress "streetAddress"
#define NID_streetAddress 660

#define LN_postalCode "postalCode"
#define NID_postalCode 661

#define SN_name "name"
#define LN_name "name"
#define NID_name 173

#define LN_description "description"
#define NID_description 107

#define LN_businessCategory "businessCategory"
#define NID_businessCategory 860

#define SN_jurisdictionCountryName "jurisdictionC"
#define LN_jurisdictionCountryName "jurisdictionCountryName"
#define NID_jurisdictionCountryName 957

#define SN_jurisdictionStateOrProvinceName "jurisdictionST"
#define LN_jurisdictionStateOrProvinceName "jurisdictionStateOrProvinceName"
#define NID_jurisdictionStateOrProvinceName 956

#define SN_jurisdictionLocalityName "jurisdictionL"
#define LN_jurisdictionLocalityName "jurisdictionLocalityName"
#define NID_jurisdictionLocalityName 955

#define LN_organizationIdentifier "organizationIdentifier"
#define NID_organizationIdentifier 1089

#define SN_subject_key_identifier "subjectKeyIdentifier"
#define LN_subject_key_identifier "X509v3 Subject Key Identifier"
#define NID_subject_key_identifier 82

#define SN_key_usage "keyUsage"
#define LN_key_usage "X509v3 Key Usage"
#define NID_key_usage 83

#define SN_subject_alt_name "subjectAltName"
#define LN_subject_alt_name "X509v3 Subject Alternative Name"
#define NID_subject_alt_name 85

#define SN_issuer_alt_name "issuerAltName"
#define LN_issuer_alt_name "X509v3 Issuer Alternative Name"
#define NID_issuer_alt_name 86

#define SN_basic_constraints "basicConstraints"
#define LN_basic_constraints "X509v3 Basic Constraints"
#define NID_basic_constraints 87

#define SN_crl_distribution_points "crlDistributionPoints"
#define LN_crl_distribution_points "X509v3 CRL Distribution Points"
#define NID_crl_distribution_points 103

#define SN_certificate_policies "certificatePolicies"
#define LN_certificate_policies "X509v3 Certificate Policies"
#define NID_certificate_policies 89

#define SN_authority_key_identifier "authorityKeyIdentifier"
#define LN_authority_key_identifier "X509v3 Authority Key Identifier"
#define NID_authority_key_identifier 90

#define SN_ext_key_usage "extendedKeyUsage"
#define LN_ext_key_usage "X509v3 Extended Key Usage"
#define NID_ext_key_usage 126

#define SN_info_access "authorityInfoAccess"
#define LN_info_access "Authority Information Access"
#define NID_info_access 177

#define SN_name_constraints "nameConstraints"
#define LN_name_constraints "X509v3 Name Constraints"
#define NID_name_constraints 666

#define SN_ct_precert_scts "ct_precert_scts"
#define LN_ct_precert_scts "CT Precertificate SCTs"
#define NID_ct_precert_scts 951

#define SN_server_auth "serverAuth"
#define LN_server_auth "TLS Web Server Authentication"
#define NID_server_auth 129

#define SN_client_auth "clientAuth"
#define LN_client_auth "TLS Web Client Authentication"
#define NID_client_auth 130

#endif /* FTLS_OPENSSL_OBJ_MAC_H */
