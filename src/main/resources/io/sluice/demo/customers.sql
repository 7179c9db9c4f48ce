-- Nekt example: "nekt_raw"."customers", so `SELECT * FROM "nekt_raw"."customers"` works.
-- 300 synthetic customers. Every value is plain arithmetic on the row number, so the data is the same on
-- every run and every DuckDB version (no random(), no hash()).
CREATE SCHEMA IF NOT EXISTS nekt_raw;

CREATE OR REPLACE TABLE nekt_raw.customers AS
WITH numbered AS (
    SELECT
        i + 1 AS id,
        -- Distinct odd multipliers decorrelate the fields while staying deterministic.
        ((i * 2654435761) % 4294967296) // 65536 AS first_name_draw,
        ((i * 2246822519) % 4294967296) // 65536 AS last_name_draw,
        ((i * 3266489917) % 4294967296) // 65536 AS country_draw,
        ((i * 668265263) % 4294967296) // 65536 AS value_draw
    FROM range(300) AS numbers(i)
),
named AS (
    SELECT
        *,
        (['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Felipe', 'Gabriela', 'Henrique', 'Isabela', 'João',
          'Karina', 'Lucas', 'Mariana', 'Nicolas', 'Olivia', 'Pedro', 'Rafaela', 'Samuel', 'Tatiana', 'Vitor'])
            [1 + first_name_draw % 20] AS first_name,
        (['Almeida', 'Barbosa', 'Cardoso', 'Duarte', 'Esteves', 'Ferreira', 'Gomes', 'Honda', 'Ito', 'Jensen',
          'Klein', 'Lopes', 'Martins', 'Nunes', 'Oliveira', 'Pereira', 'Ramos', 'Silva', 'Teixeira', 'Vieira'])
            [1 + last_name_draw % 20] AS last_name,
        (['BR', 'BR', 'BR', 'BR', 'BR', 'AR', 'CL', 'CO', 'MX', 'PT', 'US', 'ES'])[1 + country_draw % 12] AS country
    FROM numbered
)
SELECT
    CAST(id AS INTEGER) AS id,
    first_name || ' ' || last_name AS name,
    lower(strip_accents(first_name)) || '.' || lower(last_name) || id || '@example.com' AS email,
    country,
    CASE WHEN value_draw % 10 = 0 THEN 'inactive' ELSE 'active' END AS status,
    -- Sign-ups spread over 2022-2024, one every few days, at a whole-second time of day.
    TIMESTAMP '2022-01-01 00:00:00'
        + to_days(CAST(id * 3 + value_draw % 3 AS INTEGER))
        + to_seconds(CAST(value_draw % 86400 AS BIGINT)) AS created_at,
    CAST((value_draw * 37 % 2500000) / 100 AS DECIMAL(12, 2)) AS lifetime_value
FROM named
ORDER BY id;
