CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(32) NOT NULL PRIMARY KEY, -- The catalogue's artist id. <- staging_songs.artist_id
    name      VARCHAR(512),                     -- The name on most of the artist's songs. <- staging_songs.artist_name
    location  VARCHAR(512),                     -- The most common place given for the artist; NULL when none. <- staging_songs.artist_location
    latitude  DOUBLE PRECISION,                 -- With longitude, the most common coordinates given; NULL when none. <- staging_songs.artist_latitude
    longitude DOUBLE PRECISION                  -- See latitude. <- staging_songs.artist_longitude
)
-- A dimension small enough to copy to every node, so joining songplays to it never moves rows.
-- redshift: DISTSTYLE ALL SORTKEY (artist_id)
