-- A new schema: creating tables and their indexes in the same file is safe
-- (the tables are empty, nobody uses them yet).
CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    email      text        NOT NULL,
    phone      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_customers PRIMARY KEY (id),
    CONSTRAINT uq_customers__email UNIQUE (email)
);
COMMENT ON TABLE customers IS 'People who can place orders.';

CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    customer_id bigint      NOT NULL,
    status      text        NOT NULL DEFAULT 'new',
    total_cents bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_orders PRIMARY KEY (id),
    CONSTRAINT fk_orders__customers FOREIGN KEY (customer_id)
        REFERENCES customers (id) ON DELETE RESTRICT ON UPDATE CASCADE
);
COMMENT ON TABLE orders IS 'One checkout of one customer.';

CREATE INDEX ix_orders__customer_id ON orders (customer_id);
