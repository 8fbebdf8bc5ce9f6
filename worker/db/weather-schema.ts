// Tables of the city weather observations (cities, observations, weather codes).
export {};
