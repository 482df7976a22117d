-- FPS Desktop reference schema for invoice and basic-data export (MySQL 8 / MariaDB 10.5+).
-- Sites with other table or column names map them through the `export.mapping`
-- setting (see docs/export.md); this file is what `fps-desktop demo-db` creates.

CREATE TABLE tenants (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE invoices (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  tenant_id INT NOT NULL,
  country_code CHAR(2) NOT NULL,
  invoice_no VARCHAR(64) NULL,
  invoice_type VARCHAR(16) NOT NULL DEFAULT '380',
  issue_date DATE NULL,
  status VARCHAR(16) NOT NULL COMMENT 'ISSUED = successfully issued, else PENDING, FAILED or VOID',
  currency CHAR(3) NOT NULL,
  net_amount DECIMAL(18, 2) NOT NULL,
  tax_amount DECIMAL(18, 2) NOT NULL,
  gross_amount DECIMAL(18, 2) NOT NULL,
  seller_name VARCHAR(200) NOT NULL,
  seller_tax_id VARCHAR(32) NOT NULL,
  buyer_name VARCHAR(200) NOT NULL,
  buyer_tax_id VARCHAR(32) NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  -- Optional: the hash the export's reconciliation takes of each row (every exported column
  -- but the id, which a generated column may not read), kept by the server on each write so
  -- the fingerprint reads the index below instead of every row. Without it the export
  -- computes the same hash itself, in more time.
  -- CHAR columns are read through RTRIM, as a generated column must not depend on sql_mode;
  -- INVISIBLE keeps it out of SELECT * and of INSERTs without a column list (MySQL 8.0.23+).
  row_hash INT UNSIGNED AS (CRC32(CONCAT_WS('|', invoice_no, tenant_id, RTRIM(country_code),
    invoice_type, issue_date, status, RTRIM(currency), net_amount, tax_amount, gross_amount,
    seller_name, seller_tax_id, buyer_name, buyer_tax_id, updated_at))) STORED INVISIBLE,
  KEY idx_invoices_export (status, tenant_id, country_code),
  KEY idx_invoices_incremental (tenant_id, status, updated_at),
  KEY idx_invoices_fingerprint (status, tenant_id, country_code, issue_date, row_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE invoice_lines (
  invoice_id BIGINT NOT NULL,
  line_no INT NOT NULL,
  description VARCHAR(200) NOT NULL,
  quantity DECIMAL(18, 3) NOT NULL,
  uom_code VARCHAR(8) NOT NULL,
  unit_price DECIMAL(18, 4) NOT NULL,
  tax_category VARCHAR(8) NOT NULL,
  tax_rate DECIMAL(5, 2) NOT NULL,
  line_amount DECIMAL(18, 2) NOT NULL,
  -- Optional, as invoices.row_hash: the hash of the line's exported columns.
  row_hash INT UNSIGNED AS (CRC32(CONCAT_WS('|', invoice_id, line_no, description, quantity,
    uom_code, unit_price, tax_category, tax_rate, line_amount))) STORED INVISIBLE,
  PRIMARY KEY (invoice_id, line_no),
  KEY idx_invoice_lines_fingerprint (invoice_id, row_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE currencies (
  code CHAR(3) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  minor_units TINYINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE invoice_types (
  code VARCHAR(16) NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE uom_codes (
  country_code CHAR(2) NOT NULL,
  code VARCHAR(8) NOT NULL,
  name VARCHAR(100) NOT NULL,
  PRIMARY KEY (country_code, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE tax_category_codes (
  country_code CHAR(2) NOT NULL,
  code VARCHAR(8) NOT NULL,
  name VARCHAR(100) NOT NULL,
  rate DECIMAL(5, 2) NOT NULL,
  PRIMARY KEY (country_code, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE payment_means (
  country_code CHAR(2) NOT NULL,
  code VARCHAR(8) NOT NULL,
  name VARCHAR(100) NOT NULL,
  PRIMARY KEY (country_code, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
