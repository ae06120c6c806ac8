// The phone's position, with messages a person can act on. `fallback` says what to do instead
// (e.g. "use the post code"), in both languages.
import { tr } from "./i18n";

export function geolocate(fallback: [zh: string, en: string] = ["可以不填位置，写明地点即可", "you may leave it out and describe the place"]): Promise<{ latitude: number; longitude: number }> {
  const instead = tr(fallback[0], fallback[1]);
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) return reject(new Error(tr(`此浏览器不支持定位，${instead}`, `This browser cannot locate you; ${instead}`)));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      (e) =>
        reject(
          new Error(
            e.code === e.PERMISSION_DENIED
              ? tr(`定位权限被拒绝：请在浏览器设置中允许定位，或${instead}`, `Location permission refused: allow it in the browser settings, or ${instead}`)
              : tr(`暂时无法定位，请稍后重试，或${instead}`, `Could not get your location; retry, or ${instead}`),
          ),
        ),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  });
}
