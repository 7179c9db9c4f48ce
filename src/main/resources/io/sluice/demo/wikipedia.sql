-- Druid quickstart example: the "wikipedia" datasource (Wikipedia edits of 2015-09-12).
--
-- Column names are quoted because Druid's are case sensitive ("cityName", "__time").
-- Types follow the Druid SQL API reference: its sample responses type isAnonymous, isMinor, isNew,
-- isRobot, isUnpatrolled and metroCode as LONG / BIGINT and print them as 0 or 1, so they are BIGINT here.
-- "__time" holds whole milliseconds, the precision Druid stores and prints.
--
-- Two kinds of rows:
--  * reference_edits: every row printed in the Druid reference (the BlueMoon2662 edit and the ten
--    sample records of the statements API), with exactly the printed values. Druid printed the missing
--    geography of these edits as "" and 0, so they keep "" and 0.
--  * synthetic_edits: 24,422 made-up edits spread over the rest of the day, so aggregates have data.
--    They start after the last reference sample (00:47:25.821), so the ten samples stay the ten earliest
--    edits, and no synthetic user is called BlueMoon2662, so that query still returns exactly one row.
--    Missing geography is NULL, as Druid returns it in SQL-compatible null mode.
-- Every synthetic value is plain arithmetic on the row number, so the data is identical on every run
-- and every DuckDB version (no random(), no hash()).
CREATE OR REPLACE TABLE wikipedia AS
WITH
reference_edits ("__time", channel, "cityName", comment, "countryIsoCode", "countryName",
                 "isAnonymous", "isMinor", "isNew", "isRobot", "isUnpatrolled", "metroCode",
                 namespace, page, "regionIsoCode", "regionName", "user", delta, added, deleted) AS (
    VALUES
    (TIMESTAMP '2015-09-12 00:46:58.771', '#en.wikipedia', '', 'added project', '', '',
     0, 0, 0, 0, 0, 0, 'Talk', 'Talk:Oswald Tilghman', '', '', 'GELongstreet', 36, 36, 0),
    (TIMESTAMP '2015-09-12 00:47:00.496', '#ca.wikipedia', '',
     'Robot inserta {{Commonscat}} que enllaça amb [[commons:category:Rallicula]]', '', '',
     0, 1, 0, 1, 0, 0, 'Main', 'Rallicula', '', '', 'PereBot', 17, 17, 0),
    (TIMESTAMP '2015-09-12 00:47:05.474', '#en.wikipedia', 'Auburn',
     '/* Status of peremptory norms under international law */ fixed spelling of ''Wimbledon''', 'AU', 'Australia',
     1, 0, 0, 0, 0, 0, 'Main', 'Peremptory norm', 'NSW', 'New South Wales', '60.225.66.142', 0, 0, 0),
    (TIMESTAMP '2015-09-12 00:47:08.770', '#vi.wikipedia', '', 'fix Lỗi CS1: ngày tháng', '', '',
     0, 1, 0, 1, 0, 0, 'Main', 'Apamea abruzzorum', '', '', 'Cheers!-bot', 18, 18, 0),
    (TIMESTAMP '2015-09-12 00:47:11.862', '#vi.wikipedia', '', 'clean up using [[Project:AWB|AWB]]', '', '',
     0, 0, 0, 1, 0, 0, 'Main', 'Atractus flammigerus', '', '', 'ThitxongkhoiAWB', 18, 18, 0),
    (TIMESTAMP '2015-09-12 00:47:13.987', '#vi.wikipedia', '', 'clean up using [[Project:AWB|AWB]]', '', '',
     0, 0, 0, 1, 0, 0, 'Main', 'Agama mossambica', '', '', 'ThitxongkhoiAWB', 18, 18, 0),
    (TIMESTAMP '2015-09-12 00:47:17.009', '#ca.wikipedia', '', '/* Imperi Austrohongarès */', '', '',
     0, 0, 0, 0, 0, 0, 'Main', 'Campanya dels Balcans (1914-1918)', '', '', 'Jaumellecha', -20, 0, 20),
    (TIMESTAMP '2015-09-12 00:47:19.591', '#en.wikipedia', '', 'adding comment on notability and possible COI', '', '',
     0, 0, 1, 0, 1, 0, 'Talk', 'Talk:Dani Ploeger', '', '', 'New Media Theorist', 345, 345, 0),
    (TIMESTAMP '2015-09-12 00:47:21.578', '#en.wikipedia', '', 'Copying assessment table to wiki', '', '',
     0, 0, 0, 1, 0, 0, 'User', 'User:WP 1.0 bot/Tables/Project/Pubs', '', '', 'WP 1.0 bot', 121, 121, 0),
    (TIMESTAMP '2015-09-12 00:47:25.821', '#vi.wikipedia', '', 'clean up using [[Project:AWB|AWB]]', '', '',
     0, 0, 0, 1, 0, 0, 'Main', 'Agama persimilis', '', '', 'ThitxongkhoiAWB', 18, 18, 0),
    (TIMESTAMP '2015-09-12 00:47:53.259', '#ja.wikipedia', '', '/* 対戦通算成績と得失点 */', '', '',
     0, 1, 0, 0, 0, 0, 'Main', 'アルビレックス新潟の年度別成績一覧', '', '', 'BlueMoon2662', 14, 14, 0)
),
-- Where anonymous (IP) editors are located; Druid only knows geography for them. metroCode is a US
-- media-market code, so it is NULL outside the United States.
geography (geography_id, "cityName", "countryIsoCode", "countryName", "regionIsoCode", "regionName", "metroCode") AS (
    VALUES
    (0, 'New York', 'US', 'United States', 'NY', 'New York', 501),
    (1, 'Los Angeles', 'US', 'United States', 'CA', 'California', 803),
    (2, 'Chicago', 'US', 'United States', 'IL', 'Illinois', 602),
    (3, 'Seattle', 'US', 'United States', 'WA', 'Washington', 819),
    (4, NULL, 'US', 'United States', NULL, NULL, NULL),
    (5, 'London', 'GB', 'United Kingdom', 'ENG', 'England', NULL),
    (6, 'Sydney', 'AU', 'Australia', 'NSW', 'New South Wales', NULL),
    (7, 'Toronto', 'CA', 'Canada', 'ON', 'Ontario', NULL),
    (8, 'Berlin', 'DE', 'Germany', 'BE', 'Land Berlin', NULL),
    (9, 'Paris', 'FR', 'France', 'IDF', 'Île-de-France', NULL),
    (10, 'Hanoi', 'VN', 'Vietnam', 'HN', 'Hanoi', NULL),
    (11, 'Ho Chi Minh City', 'VN', 'Vietnam', 'SG', 'Ho Chi Minh', NULL),
    (12, 'Tokyo', 'JP', 'Japan', '13', 'Tokyo', NULL),
    (13, 'Milan', 'IT', 'Italy', '25', 'Lombardy', NULL),
    (14, 'Madrid', 'ES', 'Spain', 'M', 'Madrid', NULL),
    (15, 'Moscow', 'RU', 'Russia', 'MOW', 'Moscow', NULL),
    (16, 'São Paulo', 'BR', 'Brazil', 'SP', 'São Paulo', NULL),
    (17, 'Mumbai', 'IN', 'India', 'MH', 'Maharashtra', NULL),
    (18, NULL, 'IN', 'India', NULL, NULL, NULL),
    (19, 'Seoul', 'KR', 'Republic of Korea', '11', 'Seoul', NULL)
),
-- One independent-looking draw in 0..65535 per attribute: the high bits of the row number times a
-- distinct odd constant (multiplicative hashing in plain integer arithmetic).
draws AS (
    SELECT
        i,
        ((i * 2654435761) % 4294967296) // 65536 AS channel_draw,
        ((i * 2246822519) % 4294967296) // 65536 AS editor_draw,
        ((i * 3266489917) % 4294967296) // 65536 AS namespace_draw,
        ((i * 668265263) % 4294967296) // 65536 AS page_draw,
        ((i * 374761393) % 4294967296) // 65536 AS flag_draw,
        ((i * 2870177451) % 4294967296) // 65536 AS size_draw,
        ((i * 1103515245) % 4294967296) // 65536 AS change_draw,
        ((i * 1812433253) % 4294967296) // 65536 AS review_draw,
        ((i * 1566083941) % 4294967296) // 65536 AS name_draw,
        ((i * 1609587929) % 4294967296) // 65536 AS comment_draw,
        ((i * 3735928559) % 4294967296) // 65536 AS address_draw
    FROM range(24422) AS numbers(i)
),
shaped AS (
    SELECT
        *,
        -- Channel shares loosely follow the real day: English first, then the bot-heavy Vietnamese wiki.
        CASE
            WHEN channel_draw % 100 < 30 THEN '#en.wikipedia'
            WHEN channel_draw % 100 < 52 THEN '#vi.wikipedia'
            WHEN channel_draw % 100 < 60 THEN '#de.wikipedia'
            WHEN channel_draw % 100 < 67 THEN '#fr.wikipedia'
            WHEN channel_draw % 100 < 72 THEN '#it.wikipedia'
            WHEN channel_draw % 100 < 77 THEN '#es.wikipedia'
            WHEN channel_draw % 100 < 81 THEN '#ru.wikipedia'
            WHEN channel_draw % 100 < 84 THEN '#ja.wikipedia'
            WHEN channel_draw % 100 < 86 THEN '#zh.wikipedia'
            WHEN channel_draw % 100 < 88 THEN '#ca.wikipedia'
            WHEN channel_draw % 100 < 90 THEN '#pl.wikipedia'
            WHEN channel_draw % 100 < 92 THEN '#nl.wikipedia'
            WHEN channel_draw % 100 < 94 THEN '#sv.wikipedia'
            WHEN channel_draw % 100 < 95 THEN '#ko.wikipedia'
            WHEN channel_draw % 100 < 96 THEN '#pt.wikipedia'
            WHEN channel_draw % 100 < 97 THEN '#uk.wikipedia'
            WHEN channel_draw % 100 < 98 THEN '#ar.wikipedia'
            WHEN channel_draw % 100 < 99 THEN '#he.wikipedia'
            ELSE '#fa.wikipedia'
        END AS channel,
        CASE
            WHEN editor_draw % 100 < 12 THEN 'anonymous'
            WHEN editor_draw % 100 < 27 THEN 'robot'
            ELSE 'registered'
        END AS editor_kind,
        CASE
            WHEN namespace_draw % 100 < 70 THEN 'Main'
            WHEN namespace_draw % 100 < 78 THEN 'Talk'
            WHEN namespace_draw % 100 < 86 THEN 'User'
            WHEN namespace_draw % 100 < 91 THEN 'User talk'
            WHEN namespace_draw % 100 < 96 THEN 'Wikipedia'
            WHEN namespace_draw % 100 < 98 THEN 'Template'
            ELSE 'Category'
        END AS namespace,
        (['Solar eclipse', 'Rugby World Cup', 'Typhoon season', 'European migrant crisis', 'US Open (tennis)',
          'Apple Inc.', 'Smartphone', 'Star Wars', 'Presidential election', 'Labour Party (UK)', 'Volkswagen',
          'Wikipedia', 'Berlin', 'Hanoi', 'Tokyo', 'Barcelona', 'Moscow', 'Paris', 'Rome', 'Madrid', 'Warsaw',
          'Amsterdam', 'Stockholm', 'Seoul', 'Lisbon', 'Kyiv', 'Cairo', 'Jerusalem', 'Beijing',
          'Python (programming language)', 'Java (programming language)', 'Linux', 'Mount Everest',
          'Amazon River', 'Leonardo da Vinci', 'Albert Einstein', 'Marie Curie', 'World War II', 'Association football',
          'Cricket', 'Basketball', 'Chess', 'Jazz', 'The Beatles', 'Harry Potter', 'Pokémon', 'Minecraft',
          'List of sovereign states'])[1 + page_draw % 48] AS title
    FROM draws
),
synthetic_edits AS (
    SELECT
        -- One edit about every 3.4 s from 00:47:30.000 to just before midnight, with a deterministic
        -- millisecond jitter below the step, so timestamps increase with the row number.
        epoch_ms(1442018850000 + i * 3421 + (i * 7919) % 1000) AS "__time",
        channel,
        geography."cityName",
        (['/* Early life */ expanded', 'typo', 'Reverted edits by vandal', 'added citation', 'copyedit',
          'Updated statistics', 'fixed link', '/* References */', 'New article', 'cleanup', 'infobox update',
          'Removed unsourced claim', '', 'Robot: fixing interwiki links', 'formatting',
          'Archiving old discussions'])[1 + comment_draw % 16] AS comment,
        geography."countryIsoCode",
        geography."countryName",
        CASE WHEN editor_kind = 'anonymous' THEN 1 ELSE 0 END AS "isAnonymous",
        CASE WHEN flag_draw % 100 < (CASE WHEN editor_kind = 'robot' THEN 60 ELSE 25 END) THEN 1 ELSE 0 END AS "isMinor",
        CASE WHEN (flag_draw // 100) % 100 < 6 THEN 1 ELSE 0 END AS "isNew",
        CASE WHEN editor_kind = 'robot' THEN 1 ELSE 0 END AS "isRobot",
        CASE WHEN editor_kind <> 'robot' AND review_draw % 100 < 12 THEN 1 ELSE 0 END AS "isUnpatrolled",
        geography."metroCode",
        namespace,
        CASE WHEN namespace = 'Main' THEN title ELSE namespace || ':' || title END AS page,
        geography."regionIsoCode",
        geography."regionName",
        CASE editor_kind
            WHEN 'anonymous' THEN
                (1 + address_draw % 223) || '.' || (address_draw // 223 % 256) || '.'
                    || (editor_draw // 100 % 256) || '.' || (1 + page_draw // 48 % 254)
            WHEN 'robot' THEN
                (['ArchiveBot', 'CategoryBot', 'LinkFixBot', 'InterwikiBot', 'CiteBot', 'TypoBot', 'SortBot',
                  'StubBot', 'DateBot', 'ImageBot'])[1 + editor_draw // 100 % 10]
            ELSE
                (['Alder', 'Brook', 'Cedar', 'Dune', 'Ember', 'Fjord', 'Glen', 'Heath', 'Iris', 'Juniper',
                  'Kestrel', 'Linden', 'Maple', 'Nimbus', 'Orchid', 'Pine', 'Quill', 'Raven', 'Sparrow', 'Thistle',
                  'Umber', 'Vale', 'Willow', 'Yarrow', 'Zephyr'])[1 + editor_draw // 100 % 25]
                    || (name_draw % 200)
        END AS "user",
        -- About a fifth of edits only remove text, a few both add and remove, the rest only add.
        CASE
            WHEN change_draw % 100 < 22 THEN 0
            WHEN change_draw % 100 < 30 THEN size_draw % 200
            ELSE size_draw % 1500
        END AS added,
        CASE
            WHEN change_draw % 100 < 22 THEN 1 + size_draw % 700
            WHEN change_draw % 100 < 30 THEN (size_draw // 200) % 97
            ELSE 0
        END AS deleted
    FROM shaped
    LEFT JOIN geography
        ON editor_kind = 'anonymous' AND geography.geography_id = address_draw % 20
),
all_edits AS (
    SELECT * FROM reference_edits
    UNION ALL BY NAME
    SELECT *, added - deleted AS delta FROM synthetic_edits
)
SELECT
    CAST("__time" AS TIMESTAMP) AS "__time",
    CAST(channel AS VARCHAR) AS channel,
    CAST("cityName" AS VARCHAR) AS "cityName",
    CAST(comment AS VARCHAR) AS comment,
    CAST("countryIsoCode" AS VARCHAR) AS "countryIsoCode",
    CAST("countryName" AS VARCHAR) AS "countryName",
    CAST("isAnonymous" AS BIGINT) AS "isAnonymous",
    CAST("isMinor" AS BIGINT) AS "isMinor",
    CAST("isNew" AS BIGINT) AS "isNew",
    CAST("isRobot" AS BIGINT) AS "isRobot",
    CAST("isUnpatrolled" AS BIGINT) AS "isUnpatrolled",
    CAST("metroCode" AS BIGINT) AS "metroCode",
    CAST(namespace AS VARCHAR) AS namespace,
    CAST(page AS VARCHAR) AS page,
    CAST("regionIsoCode" AS VARCHAR) AS "regionIsoCode",
    CAST("regionName" AS VARCHAR) AS "regionName",
    CAST("user" AS VARCHAR) AS "user",
    CAST(delta AS BIGINT) AS delta,
    CAST(added AS BIGINT) AS added,
    CAST(deleted AS BIGINT) AS deleted
FROM all_edits
ORDER BY "__time";
