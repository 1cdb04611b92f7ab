"""Map tiles of rasters (DTM, DSM, orthophotos): pure rendering, no HTTP, no database."""
