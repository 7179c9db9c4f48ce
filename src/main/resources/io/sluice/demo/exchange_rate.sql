-- NCP Data Query example: public_data.korea_trade_insurance.exchange_rate.
-- Every column is varchar because the reference response lists them as varchar; dates are text in the
-- vendor's "yyyy.m.d" form, so the example's `date > '2023.01.01'` is a text comparison, exactly as on NCP.
-- The four CNY rows dated 2023 are the rows printed in the reference response and, in that order, are all
-- the rows the example query returns. The other rows are invented so the filter visibly removes something:
-- other currencies, and CNY rows from 2022 (which sort below '2023.01.01' as text).
CREATE SCHEMA IF NOT EXISTS public_data.korea_trade_insurance;

-- One statement, so a reader never sees the table empty while it is being replaced.
CREATE OR REPLACE TABLE public_data.korea_trade_insurance.exchange_rate AS
SELECT
    CAST(currency_code AS VARCHAR) AS currency_code,
    CAST("date" AS VARCHAR) AS "date",
    CAST(trade_rate AS VARCHAR) AS trade_rate,
    CAST(us_conversion_rate AS VARCHAR) AS us_conversion_rate
FROM (VALUES
    ('CNY', '2022.12.19', '185.42', '0.1434'),
    ('CNY', '2022.12.28', '181.97', '0.1437'),
    ('USD', '2023.1.9', '1243.5', '1'),
    ('EUR', '2023.1.9', '1334.12', '1.0729'),
    ('CNY', '2023.1.9', '184.56', '0.1456'),
    ('CNY', '2023.1.17', '183.87', '0.149'),
    ('USD', '2023.1.17', '1235.8', '1'),
    ('CNY', '2023.1.30', '182.33', '0.1482'),
    ('EUR', '2023.1.30', '1340.07', '1.0851'),
    ('CNY', '2023.2.8', '184.89', '0.1472'),
    ('USD', '2023.2.8', '1260.4', '1')
) AS rates (currency_code, "date", trade_rate, us_conversion_rate);
