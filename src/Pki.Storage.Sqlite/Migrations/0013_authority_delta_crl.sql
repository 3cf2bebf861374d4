-- Contract: IAuthorityStore (delta CRLs). The URL of a CA's delta CRLs, written into the freshestCRL extension of what it
-- issues and of its full CRLs. Null for CAs made before it (and for CAs without one).
ALTER TABLE authorities ADD COLUMN delta_crl_distribution_point TEXT NULL;
