"""The five provinces whose departments and districts parlib's synthetic demo panel scores.

For each: its name, the years its departments are scored, the maxima of their seven
component scores, the departments beyond the core list, and its districts.
"""

from __future__ import annotations

from typing import NamedTuple

CORE_DEPARTMENTS = (
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
)


class Province(NamedTuple):
    """One province of the demo panel's department and district tables."""

    name: str
    years: tuple[int, ...]
    maxima: tuple[int, ...]  # department component maxima, in DEPT_KEYS order; sum 100
    extra: tuple[tuple[str, int], ...]  # departments beyond the core list, with first year
    districts: tuple[int, tuple[str, ...]]  # first year of the district table, district names


PROVINCES = {
    "83": Province(
        "Bến Tre",
        tuple(range(2017, 2025)),
        (6, 10, 13, 10, 17, 13, 31),
        (("Ban Quản lý các khu công nghiệp", 2019),),
        (
            2018,
            (
                "Thành phố Bến Tre",
                "Huyện Ba Tri",
                "Huyện Bình Đại",
                "Huyện Châu Thành",
                "Huyện Chợ Lách",
                "Huyện Giồng Trôm",
                "Huyện Mỏ Cày Bắc",
                "Huyện Mỏ Cày Nam",
                "Huyện Thạnh Phú",
            ),
        ),
    ),
    "19": Province(
        "Thái Nguyên",
        tuple(range(2018, 2025)),
        (7, 9, 12, 11, 16, 14, 31),
        (("Ban Dân tộc", 2018), ("Ban Quản lý các khu công nghiệp", 2018)),
        (
            2022,
            (
                "Thành phố Thái Nguyên",
                "Thành phố Sông Công",
                "Thành phố Phổ Yên",
                "Huyện Đại Từ",
                "Huyện Định Hóa",
                "Huyện Đồng Hỷ",
                "Huyện Phú Bình",
                "Huyện Phú Lương",
                "Huyện Võ Nhai",
            ),
        ),
    ),
    "87": Province(
        "Đồng Tháp",
        tuple(range(2017, 2024)),
        (6, 11, 13, 9, 18, 12, 31),
        (("Sở Ngoại vụ", 2017), ("Ban Quản lý Khu kinh tế", 2017)),
        (
            2021,
            (
                "Thành phố Cao Lãnh",
                "Thành phố Sa Đéc",
                "Thành phố Hồng Ngự",
                "Huyện Cao Lãnh",
                "Huyện Châu Thành",
                "Huyện Hồng Ngự",
                "Huyện Lai Vung",
                "Huyện Lấp Vò",
                "Huyện Tam Nông",
                "Huyện Tân Hồng",
                "Huyện Thanh Bình",
                "Huyện Tháp Mười",
            ),
        ),
    ),
    "22": Province(
        "Quảng Ninh",
        tuple(range(2019, 2025)),
        (7, 10, 12, 10, 17, 12, 32),
        (("Ban Dân tộc", 2019), ("Sở Ngoại vụ", 2019), ("Ban Quản lý Khu kinh tế", 2019)),
        (
            2020,
            (
                "Hạ Long",
                "Cẩm Phả",
                "Uông Bí",
                "Móng Cái",
                "Đông Triều",
                "Quảng Yên",
                "Vân Đồn",
                "Tiên Yên",
                "Hải Hà",
                "Đầm Hà",
                "Bình Liêu",
                "Ba Chẽ",
                "Cô Tô",
            ),
        ),
    ),
    "42": Province(
        "Hà Tĩnh",
        (2018, 2019, 2021, 2022, 2023, 2024),
        (7, 11, 13, 9, 16, 13, 31),
        (("Sở Ngoại vụ", 2017), ("Ban Quản lý Khu kinh tế", 2017)),
        (
            2019,
            (
                "Thành phố Hà Tĩnh",
                "Thị xã Hồng Lĩnh",
                "Thị xã Kỳ Anh",
                "Huyện Cẩm Xuyên",
                "Huyện Can Lộc",
                "Huyện Đức Thọ",
                "Huyện Hương Khê",
                "Huyện Hương Sơn",
                "Huyện Kỳ Anh",
                "Huyện Lộc Hà",
                "Huyện Nghi Xuân",
                "Huyện Thạch Hà",
                "Huyện Vũ Quang",
            ),
        ),
    ),
}
