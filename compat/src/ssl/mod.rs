//! libssl: methods, contexts (SSL_CTX), connections (SSL) over BIOs, verification as OpenSSL
//! does it, sessions, callbacks.
