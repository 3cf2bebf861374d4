-- One index on serial numbers instead of two. (serial_number, authority_id) is unique, which keeps the guarantee that
-- serial numbers are unique per CA, and it also serves lookups by serial number alone. Serial numbers are random, so
-- every index that starts with one costs each insert a page of its own in the write-ahead log.
CREATE UNIQUE INDEX ux_certificates_serial_authority ON certificates (serial_number, authority_id);
DROP INDEX ux_certificates_authority_serial;
DROP INDEX ix_certificates_serial;
