export { ensureTlsMaterial, defaultCertificateNames, TlsErrors, type TlsMaterial } from './certificate.js';
